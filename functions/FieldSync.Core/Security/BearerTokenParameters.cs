using Microsoft.IdentityModel.Tokens;

namespace FieldSync.Core.Security;

/// <summary>The rules every bearer token obeys, in each mode that takes one; the modes differ in issuer, keys and claims.</summary>
public static class BearerTokenParameters
{
    /// <summary>Signed with <paramref name="algorithm"/> only (which also refuses "alg": "none"), with an expiry, two minutes of clock skew.</summary>
    public static TokenValidationParameters Strict(string algorithm, string nameClaim, string roleClaim) => new()
    {
        ValidAlgorithms = [algorithm],
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = TimeSpan.FromMinutes(2),
        NameClaimType = nameClaim,
        RoleClaimType = roleClaim,
    };
}
