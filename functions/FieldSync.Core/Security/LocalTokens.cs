using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FieldSync.Core.Security;

/// <summary>Issues the bearer tokens the Jwt auth mode accepts: for the local host's token verb and for tests.</summary>
public static class LocalTokens
{
    public const string DefaultIssuer = "fieldsync-local";
    public const string DefaultAudience = "fieldsync";
    public const string RoleClaim = "roles";

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public static string Issue(byte[] key, string userId, IReadOnlyCollection<string> roles, TimeSpan lifetime, DateTimeOffset now,
        string issuer = DefaultIssuer, string audience = DefaultAudience)
    {
        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, userId), new(JwtRegisteredClaimNames.Name, userId) };
        claims.AddRange(roles.Select(r => new Claim(RoleClaim, r)));
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.UtcDateTime.AddMinutes(-1),
            IssuedAt = now.UtcDateTime,
            Expires = now.UtcDateTime.Add(lifetime),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
