using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FieldSync.Core.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FieldSync.Testing;

/// <summary>
/// An Entra ID tenant on loopback for tests: serves the tenant's v2.0 OpenID metadata and its signing keys (JWKS)
/// over real HTTP, and issues RS256 access tokens the way Entra does (iss, aud, tid, oid, roles). Keys can be
/// rotated and the endpoint stopped, to test what the app does then.
/// </summary>
public sealed class LocalEntraTenant : IDisposable
{
    private static readonly string[] SigningAlgorithms = ["RS256"];
    private readonly LoopbackHttpServer server;
    private readonly object gate = new();
    private List<RsaSecurityKey> published = [];
    private int metadataReads;

    public LocalEntraTenant()
    {
        SigningKey = NewKey();
        published = [SigningKey];
        server = new LoopbackHttpServer(HandleAsync);
        Instance = server.BaseAddress;
    }

    /// <summary>The authority host, as <c>FieldSync:Auth:Instance</c> takes it.</summary>
    public string Instance { get; }

    public string TenantId { get; } = Guid.NewGuid().ToString();

    /// <summary>The API app registration's application (client) id.</summary>
    public string ClientId { get; } = Guid.NewGuid().ToString();

    public string AppIdUri => $"api://{ClientId}";

    /// <summary>The issuer the tenant's v2.0 metadata names.</summary>
    public string Issuer => $"{Instance}{TenantId}/v2.0";

    /// <summary>The key new tokens are signed with (published unless rotated out).</summary>
    public RsaSecurityKey SigningKey { get; private set; }

    /// <summary>How many times the metadata document was read.</summary>
    public int MetadataReads => Volatile.Read(ref metadataReads);

    /// <summary>The settings that make the function app validate this tenant's tokens.</summary>
    public IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["FieldSync:Auth:Mode"] = "Entra",
        ["FieldSync:Auth:TenantId"] = TenantId,
        ["FieldSync:Auth:ClientId"] = ClientId,
        ["FieldSync:Auth:Instance"] = Instance,
    };

    public AuthOptions Options => new() { Mode = AuthMode.Entra, TenantId = TenantId, ClientId = ClientId, Instance = Instance };

    public static RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };

    /// <summary>Signs new tokens with a new key and publishes only that one, as Entra does after a rollover.</summary>
    public RsaSecurityKey Rotate()
    {
        var key = NewKey();
        lock (gate)
        {
            SigningKey = key;
            published = [key];
        }
        return key;
    }

    /// <summary>An access token as Entra issues it for this API; every part can be changed to make one the API must refuse.</summary>
    public string Token(string objectId, IReadOnlyCollection<string> roles, TimeSpan? lifetime = null, DateTimeOffset? now = null,
        string? issuer = null, string? audience = null, string? tenantId = null, SecurityKey? key = null, string? name = null)
    {
        var at = (now ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [EntraClaims.ObjectId] = objectId,
            [EntraClaims.TenantId] = tenantId ?? TenantId,
            ["ver"] = "2.0",
            ["azp"] = Guid.Empty.ToString(),
            [EntraClaims.Name] = name ?? objectId,
        };
        if (roles.Count > 0)
        {
            claims[EntraClaims.Roles] = roles.ToArray();
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? ClientId,
            Claims = claims,
            Subject = new ClaimsIdentity([new Claim("sub", "pairwise-" + objectId)]),
            NotBefore = at.AddMinutes(-1),
            IssuedAt = at,
            Expires = at.Add(lifetime ?? TimeSpan.FromHours(1)),
            SigningCredentials = new SigningCredentials(key ?? SigningKey, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    /// <summary>The same claims with no signature at all ("alg": "none").</summary>
    public string UnsignedToken(string objectId, IReadOnlyCollection<string> roles)
    {
        static string Part(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Part(new { alg = "none", typ = "JWT" }) + "." + Part(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = ClientId, ["tid"] = TenantId, ["oid"] = objectId, ["roles"] = roles,
            ["nbf"] = now - 60, ["iat"] = now, ["exp"] = now + 3600,
        }) + ".";
    }

    private Task HandleAsync(HttpListenerContext context)
    {
        var path = context.Request.Url!.AbsolutePath;
        string? body = null;
        if (path == $"/{TenantId}/v2.0/.well-known/openid-configuration")
        {
            Interlocked.Increment(ref metadataReads);
            body = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["issuer"] = Issuer,
                ["jwks_uri"] = $"{Instance}{TenantId}/discovery/v2.0/keys",
                ["authorization_endpoint"] = $"{Instance}{TenantId}/oauth2/v2.0/authorize",
                ["token_endpoint"] = $"{Instance}{TenantId}/oauth2/v2.0/token",
                ["id_token_signing_alg_values_supported"] = SigningAlgorithms,
            });
        }
        else if (path == $"/{TenantId}/discovery/v2.0/keys")
        {
            List<RsaSecurityKey> keys;
            lock (gate)
            {
                keys = published;
            }
            body = JsonSerializer.Serialize(new { keys = keys.Select(Jwk).ToArray() });
        }
        return LoopbackHttpServer.AnswerAsync(context, body is null ? 404 : 200, body ?? "{}");
    }

    private static Dictionary<string, object> Jwk(RsaSecurityKey key)
    {
        var parameters = key.Rsa.ExportParameters(false);
        return new Dictionary<string, object>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    /// <summary>Stops answering, as an unreachable identity provider would.</summary>
    public void Stop() => server.Stop();

    public void Dispose() => server.Dispose();
}
