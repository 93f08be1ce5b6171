namespace FieldSync.Core.Security;

public enum AuthMode
{
    /// <summary>Bearer JWTs signed with a symmetric key from configuration (local runs and tests).</summary>
    Jwt,
    /// <summary>
    /// App Service Authentication (Entra ID) fronts the app and passes the caller in X-MS-CLIENT-PRINCIPAL.
    /// Only safe when the platform strips that header from client requests, so it must be chosen explicitly.
    /// </summary>
    EasyAuth,
    /// <summary>
    /// Entra ID access tokens validated in code: the tenant's issuer, the API app registration's audience, the
    /// tenant's signing keys from its OpenID metadata, FieldSync roles from the token's app roles. Trusts no
    /// platform header, so it is safe wherever the app runs (the deployment template's default).
    /// </summary>
    Entra,
}

/// <summary>Configuration section <c>FieldSync:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "FieldSync:Auth";

    /// <summary>The public Entra ID authority host; sovereign clouds set <see cref="Instance"/> to theirs.</summary>
    public const string DefaultInstance = "https://login.microsoftonline.com/";

    /// <summary>Required: there is no default, so trusting a platform header is never silent.</summary>
    public AuthMode? Mode { get; set; }

    /// <summary>Base64 HMAC-SHA256 key for <see cref="AuthMode.Jwt"/>; at least 32 bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Jwt: the issuer tokens must name (default <see cref="LocalTokens.DefaultIssuer"/>). Entra takes it from the tenant's metadata.</summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Jwt: the audience tokens must name (default <see cref="LocalTokens.DefaultAudience"/>). Entra: the API's
    /// App ID URI (default <c>api://{ClientId}</c>), accepted besides <see cref="ClientId"/> itself.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>Entra: the directory (tenant) id, a GUID. Tokens from any other tenant are refused.</summary>
    public string? TenantId { get; set; }

    /// <summary>Entra: the application (client) id of the API's app registration; v2 access tokens carry it as their audience.</summary>
    public string? ClientId { get; set; }

    /// <summary>Entra: the authority host, e.g. <c>https://login.microsoftonline.com/</c> (the template sets the cloud's own).</summary>
    public string Instance { get; set; } = DefaultInstance;

    /// <summary>Entra: where the OpenID metadata is read; default <c>{Instance}{TenantId}/v2.0/.well-known/openid-configuration</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The claim type holding FieldSync roles in EasyAuth principals (Entra app roles arrive as "roles").</summary>
    public string EasyAuthRoleClaim { get; set; } = "roles";

    public string JwtIssuer => string.IsNullOrEmpty(Issuer) ? LocalTokens.DefaultIssuer : Issuer;

    public string JwtAudience => string.IsNullOrEmpty(Audience) ? LocalTokens.DefaultAudience : Audience;

    /// <summary>The audiences an Entra token may carry: the API's client id (v2 tokens) and its App ID URI (v1 tokens, or a custom URI).</summary>
    public IReadOnlyList<string> EntraAudiences => [ClientId!, string.IsNullOrEmpty(Audience) ? $"api://{ClientId}" : Audience];

    public Uri EntraMetadataAddress => new(string.IsNullOrEmpty(MetadataAddress)
        ? $"{Instance.TrimEnd('/')}/{TenantId}/v2.0/.well-known/openid-configuration"
        : MetadataAddress);

    /// <summary>Throws with a message an operator can act on when the configuration cannot work.</summary>
    public void Validate()
    {
        switch (Mode)
        {
            case null:
                throw new InvalidOperationException(
                    $"{SectionName}:Mode is not set. Set it to Entra (Entra ID access tokens, validated in code), Jwt (bearer tokens signed with {SectionName}:SigningKey, for local runs) or EasyAuth (App Service Authentication in Azure).");
            case AuthMode.Jwt:
                byte[]? key = null;
                try
                {
                    key = SigningKey is null ? null : Convert.FromBase64String(SigningKey);
                }
                catch (FormatException)
                {
                }
                if (key is null || key.Length < 32)
                {
                    throw new InvalidOperationException($"{SectionName}:SigningKey must be a base64 key of at least 32 bytes when Mode is Jwt.");
                }
                break;
            case AuthMode.Entra:
                // A GUID, not "common" or "organizations": a multi-tenant authority would accept tokens from any tenant.
                if (!Guid.TryParse(TenantId, out _))
                {
                    throw new InvalidOperationException($"{SectionName}:TenantId must be the directory (tenant) id, a GUID, when Mode is Entra; it is '{TenantId}'.");
                }
                if (!Guid.TryParse(ClientId, out var clientId))
                {
                    throw new InvalidOperationException($"{SectionName}:ClientId must be the application (client) id of the API's app registration, a GUID, when Mode is Entra; it is '{ClientId}'.");
                }
                if (clientId == Guid.Empty)
                {
                    // The deployment template's placeholder when FIELDSYNC_API_CLIENT_ID was not set: no token would ever match.
                    throw new InvalidOperationException($"{SectionName}:ClientId is the all-zero placeholder: deploy with FIELDSYNC_API_CLIENT_ID set to the API app registration's application (client) id (docs/deployment.md).");
                }
                if (!Uri.TryCreate(Instance, UriKind.Absolute, out var instance) || (instance.Scheme != Uri.UriSchemeHttps && !instance.IsLoopback))
                {
                    throw new InvalidOperationException($"{SectionName}:Instance must be an https authority such as {DefaultInstance}; it is '{Instance}'.");
                }
                if (!string.IsNullOrEmpty(MetadataAddress)
                    && (!Uri.TryCreate(MetadataAddress, UriKind.Absolute, out var metadata) || (metadata.Scheme != Uri.UriSchemeHttps && !metadata.IsLoopback)))
                {
                    throw new InvalidOperationException($"{SectionName}:MetadataAddress must be an https URL; it is '{MetadataAddress}'.");
                }
                break;
        }
    }
}
