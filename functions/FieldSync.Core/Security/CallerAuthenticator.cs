using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace FieldSync.Core.Security;

/// <summary>
/// Establishes who is calling from the request's headers, in the one mode configuration names.
/// Kept free of HTTP types so both the Functions host and the local host use it the same way.
/// </summary>
public sealed class CallerAuthenticator : IDisposable
{
    private readonly AuthOptions options;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters? jwtParameters;

    private readonly EntraMetadata? entra;
    private (OpenIdConnectConfiguration Metadata, TokenValidationParameters Parameters)? entraParameters;

    public CallerAuthenticator(IOptions<AuthOptions> options, TimeProvider? clock = null)
    {
        this.options = options.Value;
        this.options.Validate();
        if (this.options.Mode == AuthMode.Jwt)
        {
            jwtParameters = BearerTokenParameters.Strict(SecurityAlgorithms.HmacSha256, JwtRegisteredClaimNames.Sub, LocalTokens.RoleClaim);
            jwtParameters.ValidIssuer = this.options.JwtIssuer;
            jwtParameters.ValidAudience = this.options.JwtAudience;
            jwtParameters.IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(this.options.SigningKey!));
        }
        else if (this.options.Mode == AuthMode.Entra)
        {
            entra = new EntraMetadata(this.options.EntraMetadataAddress, clock ?? TimeProvider.System);
        }
    }

    public AuthMode Mode => options.Mode!.Value;

    /// <param name="authorization">The Authorization header (Jwt and Entra modes).</param>
    /// <param name="clientPrincipal">The X-MS-CLIENT-PRINCIPAL header (EasyAuth mode only; ignored otherwise).</param>
    public async Task<AuthResult> AuthenticateAsync(string? authorization, string? clientPrincipal)
        => Mode == AuthMode.EasyAuth ? FromClientPrincipal(clientPrincipal) : await FromBearerAsync(authorization);

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
        var token = authorization[scheme.Length..].Trim();
        TokenValidationResult result;
        if (entra is null)
        {
            result = await handler.ValidateTokenAsync(token, jwtParameters);
        }
        else
        {
            OpenIdConnectConfiguration metadata;
            try
            {
                metadata = await entra.GetAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException)
            {
                return AuthResult.CannotCheck("The identity provider's metadata and signing keys could not be read, so the token cannot be checked now. Retry shortly.");
            }
            result = await handler.ValidateTokenAsync(token, EntraParameters(metadata));
            // A key Entra has just rotated in: read the keys again (bounded) and check once more.
            if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException
                && await entra.RefreshForUnknownKeyAsync(metadata) is { } fresh)
            {
                result = await handler.ValidateTokenAsync(token, EntraParameters(fresh));
            }
        }
        if (!result.IsValid)
        {
            return result.Exception switch
            {
                SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException or SecurityTokenNotYetValidException => AuthResult.Fail("The bearer token has expired or is not valid yet."),
                SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidAlgorithmException
                    => AuthResult.Fail("The bearer token's signature is not valid (unsigned, another algorithm, or a key the issuer does not publish)."),
                SecurityTokenInvalidAudienceException => AuthResult.Fail("The bearer token is for another audience."),
                SecurityTokenInvalidIssuerException => AuthResult.Fail(Mode == AuthMode.Entra
                    ? "The bearer token is from another issuer: another tenant, or a v1.0 token (the API's app registration must request v2 access tokens)."
                    : "The bearer token is from another issuer."),
                _ => AuthResult.Fail("The bearer token is not valid."),
            };
        }
        if (Mode == AuthMode.Entra)
        {
            // The issuer names the tenant already; the tid claim is checked too, so one check failing open is not enough.
            if (!string.Equals(result.ClaimsIdentity.FindFirst(EntraClaims.TenantId)?.Value, options.TenantId, StringComparison.OrdinalIgnoreCase))
            {
                return AuthResult.Fail("The bearer token is from another tenant.");
            }
            return ToCaller(result.ClaimsIdentity, EntraClaims.ObjectId, EntraClaims.Roles);
        }
        return ToCaller(result.ClaimsIdentity, JwtRegisteredClaimNames.Sub, LocalTokens.RoleClaim);
    }

    private TokenValidationParameters EntraParameters(OpenIdConnectConfiguration metadata)
    {
        var cached = entraParameters;
        if (cached is { } c && ReferenceEquals(c.Metadata, metadata))
        {
            return c.Parameters;
        }
        var parameters = EntraTokenParameters.Create(options, metadata);
        entraParameters = (metadata, parameters);
        return parameters;
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
        var name = identity.FindFirst(EntraClaims.Name)?.Value ?? identity.FindFirst(EntraClaims.PreferredUserName)?.Value ?? identity.FindFirst(ClaimTypes.Name)?.Value;
        return new AuthResult(new Caller(userId, name, roles), null);
    }

    public void Dispose() => entra?.Dispose();
}
