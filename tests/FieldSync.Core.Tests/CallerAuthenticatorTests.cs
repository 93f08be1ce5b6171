using System.Text;
using FieldSync.Core.Security;
using Microsoft.Extensions.Options;

namespace FieldSync.Core.Tests;

public class CallerAuthenticatorTests
{
    private static readonly byte[] Key = LocalTokens.NewKey();
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static CallerAuthenticator Jwt(byte[]? key = null) => new(
        Options.Create(new AuthOptions { Mode = AuthMode.Jwt, SigningKey = Convert.ToBase64String(key ?? Key) }));

    private static CallerAuthenticator EasyAuth() => new(Options.Create(new AuthOptions { Mode = AuthMode.EasyAuth }));

    [Fact]
    public async Task AuthenticateAsync_ValidToken_ReturnsCallerWithRoles()
    {
        var token = LocalTokens.Issue(Key, "tech1", [Roles.Technician, "notarole"], TimeSpan.FromHours(1), Now);
        var result = await Jwt().AuthenticateAsync("Bearer " + token, null);
        Assert.NotNull(result.Caller);
        Assert.Equal("tech1", result.Caller.UserId);
        Assert.Equal([Roles.Technician], result.Caller.Roles);
    }

    [Fact]
    public async Task AuthenticateAsync_ExpiredToken_Fails()
    {
        var token = LocalTokens.Issue(Key, "tech1", [Roles.Technician], TimeSpan.FromMinutes(1), Now.AddHours(-2));
        var result = await Jwt().AuthenticateAsync("Bearer " + token, null);
        Assert.Null(result.Caller);
        Assert.Contains("expired", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_OtherKey_Fails()
    {
        var token = LocalTokens.Issue(LocalTokens.NewKey(), "tech1", [Roles.Admin], TimeSpan.FromHours(1), Now);
        Assert.Null((await Jwt().AuthenticateAsync("Bearer " + token, null)).Caller);
    }

    [Fact]
    public async Task AuthenticateAsync_OtherAudience_Fails()
    {
        var token = LocalTokens.Issue(Key, "tech1", [Roles.Admin], TimeSpan.FromHours(1), Now, audience: "someone-else");
        Assert.Null((await Jwt().AuthenticateAsync("Bearer " + token, null)).Caller);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer not.a.token")]
    [InlineData("Bearer ")]
    public async Task AuthenticateAsync_MissingOrMalformed_Fails(string? header)
    {
        var result = await Jwt().AuthenticateAsync(header, null);
        Assert.Null(result.Caller);
        Assert.False(string.IsNullOrEmpty(result.Failure));
    }

    [Fact]
    public async Task AuthenticateAsync_JwtModeWithPlatformHeader_IgnoresHeader()
    {
        var principal = ClientPrincipal(("oid", "admin-user"), ("roles", Roles.Admin));
        Assert.Null((await Jwt().AuthenticateAsync(null, principal)).Caller);
    }

    [Fact]
    public async Task AuthenticateAsync_UnsafeUserId_Fails()
    {
        var token = LocalTokens.Issue(Key, "tech/1", [Roles.Technician], TimeSpan.FromHours(1), Now);
        Assert.Null((await Jwt().AuthenticateAsync("Bearer " + token, null)).Caller);
    }

    [Fact]
    public async Task AuthenticateAsync_EasyAuthPrincipal_ReadsObjectIdAndRoles()
    {
        var principal = ClientPrincipal(
            ("http://schemas.microsoft.com/identity/claims/objectidentifier", "5b2a3c4d-0000-4000-8000-000000000001"),
            ("name", "Dana Dispatcher"), ("roles", Roles.Dispatcher), ("roles", "Reader"));
        var result = await EasyAuth().AuthenticateAsync("Bearer ignored", principal);
        Assert.NotNull(result.Caller);
        Assert.Equal("5b2a3c4d-0000-4000-8000-000000000001", result.Caller.UserId);
        Assert.Equal([Roles.Dispatcher], result.Caller.Roles);
        Assert.Equal("Dana Dispatcher", result.Caller.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("%%%")]
    [InlineData("bm90IGpzb24=")]
    public async Task AuthenticateAsync_EasyAuthBadHeader_Fails(string? header)
        => Assert.Null((await EasyAuth().AuthenticateAsync(null, header)).Caller);

    [Fact]
    public void Validate_NoMode_ThrowsNamingTheSetting()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new AuthOptions().Validate());
        Assert.Contains("FieldSync:Auth:Mode", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64!")]
    public void Validate_JwtWithoutUsableKey_Throws(string? key)
        => Assert.Throws<InvalidOperationException>(() => new AuthOptions { Mode = AuthMode.Jwt, SigningKey = key }.Validate());

    private static string ClientPrincipal(params (string Type, string Value)[] claims)
    {
        var json = "{\"auth_typ\":\"aad\",\"claims\":[" + string.Join(",", claims.Select(c => $"{{\"typ\":\"{c.Type}\",\"val\":\"{c.Value}\"}}")) + "]}";
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
    }
}
