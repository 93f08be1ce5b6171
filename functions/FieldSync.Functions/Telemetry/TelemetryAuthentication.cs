using Azure.Core;
using Azure.Identity;

namespace FieldSync.Functions.Telemetry;

/// <summary>
/// How telemetry authenticates to Application Insights, from <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>
/// (<c>Authorization=AAD;ClientId=&lt;client id of a user-assigned identity&gt;</c>; without ClientId the system-assigned
/// identity). The Functions host reads that setting itself; the worker's SDK (2.23) does not, so with local
/// authentication off (DisableLocalAuth) the worker's telemetry would be refused without this.
/// </summary>
public sealed record TelemetryAuthentication(bool UsesEntra, string? ClientId)
{
    public const string Setting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static readonly TelemetryAuthentication None = new(false, null);

    public static TelemetryAuthentication Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return None;
        }
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InvalidOperationException($"{Setting} must be 'Authorization=AAD;ClientId=<guid>'; '{part}' is not a name=value pair.");
            }
            parts[part[..equals]] = part[(equals + 1)..];
        }
        if (!parts.TryGetValue("Authorization", out var authorization) || !string.Equals(authorization, "AAD", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{Setting} must start 'Authorization=AAD' (Entra ID); it is '{value}'.");
        }
        parts.TryGetValue("ClientId", out var clientId);
        if (!string.IsNullOrEmpty(clientId) && !Guid.TryParse(clientId, out _))
        {
            throw new InvalidOperationException($"{Setting}: ClientId must be the client id (a GUID) of the app's user-assigned identity; it is '{clientId}'.");
        }
        return new TelemetryAuthentication(true, string.IsNullOrEmpty(clientId) ? null : clientId);
    }

    public TokenCredential? CreateCredential() => !UsesEntra ? null
        : ClientId is null ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
        : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId));
}
