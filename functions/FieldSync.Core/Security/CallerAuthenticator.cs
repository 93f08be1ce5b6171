using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FieldSync.Core.Security;

/// <summary>The result of authenticating a request: a caller, or why there is none.</summary>
public sealed record AuthResult(Caller? Caller, string? Failure)
{
    public static AuthResult Fail(string reason) => new(null, reason);
}

/// <summary>
/// Establishes who is calling from the request's headers, in the one mode configuration names.
/// Kept free of HTTP types so both the Functions host and the local host use it the same way.
/// </summary>
public sealed class CallerAuthenticator
{
    private readonly AuthOptions options;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters? jwtParameters;

    public CallerAuthenticator(IOptions<AuthOptions> options)
    {
        this.options = options.Value;
        this.options.Validate();
        if (this.options.Mode == AuthMode.Jwt)
        {
            jwtParameters = new TokenValidationParameters
            {
                ValidIssuer = this.options.Issuer,
                ValidAudience = this.options.Audience,
                IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(this.options.SigningKey!)),
                ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ClockSkew = TimeSpan.FromMinutes(2),
                NameClaimType = JwtRegisteredClaimNames.Sub,
                RoleClaimType = LocalTokens.RoleClaim,
            };
        }
    }

    public AuthMode Mode => options.Mode!.Value;

    /// <param name="authorization">The Authorization header (Jwt mode).</param>
    /// <param name="clientPrincipal">The X-MS-CLIENT-PRINCIPAL header (EasyAuth mode).</param>
    public async Task<AuthResult> AuthenticateAsync(string? authorization, string? clientPrincipal)
        => Mode == AuthMode.Jwt ? await FromBearerAsync(authorization) : FromClientPrincipal(clientPrincipal);

    private async Task<AuthResult> FromBearerAsync(string? authorization)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return AuthResult.Fail("No credentials: send 'Authorization: Bearer <token>'.");
        }
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length > 8192)
        {
            return AuthResult.Fail("The Authorization header must be 'Bearer <token>'.");
        }
        var result = await handler.ValidateTokenAsync(authorization[scheme.Length..].Trim(), jwtParameters);
        if (!result.IsValid)
        {
            return AuthResult.Fail(result.Exception switch
            {
                SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException or SecurityTokenNotYetValidException => "The bearer token has expired or is not valid yet.",
                SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The bearer token's signature is not valid.",
                SecurityTokenInvalidAudienceException => "The bearer token is for another audience.",
                SecurityTokenInvalidIssuerException => "The bearer token is from another issuer.",
                _ => "The bearer token is not valid.",
            });
        }
        return ToCaller(result.ClaimsIdentity, JwtRegisteredClaimNames.Sub, LocalTokens.RoleClaim);
    }

    private AuthResult FromClientPrincipal(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return AuthResult.Fail("No authenticated principal: App Service Authentication did not pass X-MS-CLIENT-PRINCIPAL.");
        }
        try
        {
            using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(header)));
            var root = doc.RootElement;
            var identity = new ClaimsIdentity("EasyAuth");
            if (root.TryGetProperty("claims", out var claims) && claims.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in claims.EnumerateArray())
                {
                    if (c.TryGetProperty("typ", out var typ) && c.TryGetProperty("val", out var val)
                        && typ.ValueKind == JsonValueKind.String && val.ValueKind == JsonValueKind.String)
                    {
                        identity.AddClaim(new Claim(typ.GetString()!, val.GetString()!));
                    }
                }
            }
            // Entra ID puts the stable object id in "oid" (or its long URI form); prefer it to the display name.
            var idClaim = identity.HasClaim(c => c.Type == "http://schemas.microsoft.com/identity/claims/objectidentifier")
                ? "http://schemas.microsoft.com/identity/claims/objectidentifier"
                : identity.HasClaim(c => c.Type == "oid") ? "oid" : ClaimTypes.NameIdentifier;
            return ToCaller(identity, idClaim, options.EasyAuthRoleClaim);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return AuthResult.Fail("X-MS-CLIENT-PRINCIPAL is not a base64 JSON client principal.");
        }
    }

    private static AuthResult ToCaller(ClaimsIdentity identity, string idClaimType, string roleClaimType)
    {
        var userId = identity.FindFirst(idClaimType)?.Value;
        if (string.IsNullOrWhiteSpace(userId))
        {
            return AuthResult.Fail($"The credentials carry no user id ('{idClaimType}').");
        }
        // User ids become storage keys (device bindings, sync errors), so they obey the record id rules.
        if (!Records.RecordIds.IsValid(userId, out var idError))
        {
            return AuthResult.Fail($"The user id in the credentials is not usable: {idError}");
        }
        var roles = identity.FindAll(roleClaimType).Select(c => c.Value).Where(Roles.All.Contains).ToHashSet(StringComparer.Ordinal);
        var name = identity.FindFirst("name")?.Value ?? identity.FindFirst(ClaimTypes.Name)?.Value;
        return new AuthResult(new Caller(userId, name, roles), null);
    }
}
