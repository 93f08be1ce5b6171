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
}

/// <summary>Configuration section <c>FieldSync:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "FieldSync:Auth";

    /// <summary>Required: there is no default, so trusting a platform header is never silent.</summary>
    public AuthMode? Mode { get; set; }

    /// <summary>Base64 HMAC-SHA256 key for <see cref="AuthMode.Jwt"/>; at least 32 bytes.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = LocalTokens.DefaultIssuer;

    public string Audience { get; set; } = LocalTokens.DefaultAudience;

    /// <summary>The claim type holding FieldSync roles in EasyAuth principals (Entra app roles arrive as "roles").</summary>
    public string EasyAuthRoleClaim { get; set; } = "roles";

    /// <summary>Throws with a message an operator can act on when the configuration cannot work.</summary>
    public void Validate()
    {
        switch (Mode)
        {
            case null:
                throw new InvalidOperationException(
                    $"{SectionName}:Mode is not set. Set it to Jwt (bearer tokens signed with {SectionName}:SigningKey) or EasyAuth (App Service Authentication in Azure).");
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
        }
    }
}
