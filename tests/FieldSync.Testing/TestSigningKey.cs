using FieldSync.Core.Security;

namespace FieldSync.Testing;

/// <summary>A fresh random JWT signing key per test, and tokens signed with it via <see cref="LocalTokens"/>.</summary>
public sealed class TestSigningKey
{
    private TestSigningKey(byte[] key) => Key = key;

    /// <summary>The raw key.</summary>
    public byte[] Key { get; }

    /// <summary>The key as configuration wants it (<c>FieldSync:Auth:SigningKey</c>).</summary>
    public string Base64 => Convert.ToBase64String(Key);

    /// <summary>A new random 32-byte key.</summary>
    public static TestSigningKey Create() => new(LocalTokens.NewKey());

    /// <summary>The settings that make the function app accept tokens from <see cref="Token"/>.</summary>
    public IReadOnlyDictionary<string, string?> HostSettings => new Dictionary<string, string?>
    {
        ["FieldSync:Auth:Mode"] = "Jwt",
        ["FieldSync:Auth:SigningKey"] = Base64,
    };

    /// <summary>A bearer token for <paramref name="userId"/> with <paramref name="roles"/>, valid for an hour from now.</summary>
    public string Token(string userId, params string[] roles)
        => LocalTokens.Issue(Key, userId, roles, TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
}
