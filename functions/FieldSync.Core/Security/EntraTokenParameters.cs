using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace FieldSync.Core.Security;

/// <summary>How an Entra ID access token is checked, given the tenant's <see cref="EntraMetadata"/>.</summary>
public static class EntraTokenParameters
{
    public static TokenValidationParameters Create(AuthOptions options, OpenIdConnectConfiguration metadata)
    {
        // Entra signs access tokens with RS256; refusing everything else also refuses HMAC confusion.
        var parameters = BearerTokenParameters.Strict(SecurityAlgorithms.RsaSha256, EntraClaims.Name, EntraClaims.Roles);
        // The issuer of the configured tenant: the metadata is the tenant's own (never "common"), so this is one value.
        parameters.ValidIssuer = metadata.Issuer;
        parameters.IssuerSigningKeys = metadata.SigningKeys;
        parameters.ValidAudiences = options.EntraAudiences;
        return parameters;
    }
}
