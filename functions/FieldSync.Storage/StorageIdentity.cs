using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;

namespace FieldSync.Storage;

/// <summary>How the app signs in to storage when no connection string is set.</summary>
public enum StorageCredentialKind
{
    /// <summary><c>AzureWebJobsStorage__credential</c> = <c>managedidentity</c>: the app's managed identity, and only it.</summary>
    ManagedIdentity,
    /// <summary>No credential setting: <see cref="DefaultAzureCredential"/> (a developer's az login, environment variables...).</summary>
    Default,
}

/// <summary>
/// The identity FieldSync uses for storage, read from the same settings the Functions host reads for
/// <c>AzureWebJobsStorage</c> (<c>__credential</c>, <c>__clientId</c>), so the host's triggers and FieldSync's own
/// clients sign in as the same identity. A bare DefaultAzureCredential would not know which of several
/// user-assigned identities to use, and would try others (environment, CLI...) before it.
/// </summary>
public sealed record StorageIdentity(StorageCredentialKind Kind, string? ClientId)
{
    public const string ManagedIdentitySetting = "managedidentity";

    public static StorageIdentity FromSettings(IConfigurationSection azureWebJobsStorage)
    {
        ArgumentNullException.ThrowIfNull(azureWebJobsStorage);
        var credential = azureWebJobsStorage["credential"];
        var clientId = azureWebJobsStorage["clientId"] is { Length: > 0 } id ? id : null;
        if (clientId is not null && !Guid.TryParse(clientId, out _))
        {
            throw new InvalidOperationException($"AzureWebJobsStorage__clientId must be the client id (a GUID) of the app's user-assigned managed identity; it is '{clientId}'.");
        }
        if (string.IsNullOrEmpty(credential))
        {
            return new StorageIdentity(StorageCredentialKind.Default, clientId);
        }
        if (string.Equals(credential, ManagedIdentitySetting, StringComparison.OrdinalIgnoreCase))
        {
            return new StorageIdentity(StorageCredentialKind.ManagedIdentity, clientId);
        }
        throw new InvalidOperationException($"AzureWebJobsStorage__credential is '{credential}'; the only value FieldSync knows is '{ManagedIdentitySetting}' (or leave it unset to use DefaultAzureCredential).");
    }

    /// <summary>The credential: the user-assigned identity <see cref="ClientId"/> names, or the system-assigned one when none is named.</summary>
    public TokenCredential CreateCredential() => Kind switch
    {
        StorageCredentialKind.ManagedIdentity => ClientId is null
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(ClientId)),
        _ => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ClientId }),
    };
}
