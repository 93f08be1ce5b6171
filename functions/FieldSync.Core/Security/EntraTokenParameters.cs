using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace FieldSync.Core.Security;

/// <summary>How an Entra ID access token is checked, given the tenant's <see cref="EntraMetadata"/>.</summary>
public static class EntraTokenParameters
{
    public static TokenValidationParameters Create(AuthOptions options, OpenIdConnectConfiguration metadata) => new()
    {
        // The issuer of the configured tenant: the metadata is the tenant's own (never "common"), so this is one value.
        ValidIssuer = metadata.Issuer,
        IssuerSigningKeys = metadata.SigningKeys,
        ValidAudiences = options.EntraAudiences,
        // Entra signs access tokens with RS256; refusing everything else also refuses "alg": "none" and HMAC confusion.
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromMinutes(2),
        NameClaimType = EntraClaims.Name,
        RoleClaimType = EntraClaims.Roles,
    };
}
