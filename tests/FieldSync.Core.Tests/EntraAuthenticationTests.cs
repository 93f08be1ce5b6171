using FieldSync.Core.Security;
using FieldSync.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Extensions.Options;

namespace FieldSync.Core.Tests;

/// <summary>The Entra auth mode against a tenant served on loopback: real metadata and key reads, RS256 tokens.</summary>
public sealed class EntraAuthenticationTests : IDisposable
{
    private readonly LocalEntraTenant tenant = new();
    private readonly string objectId = Guid.NewGuid().ToString();

    public void Dispose() => tenant.Dispose();

    private CallerAuthenticator Authenticator(Action<AuthOptions>? change = null)
    {
        var options = tenant.Options;
        change?.Invoke(options);
        return new CallerAuthenticator(Options.Create(options));
    }

    private static Task<AuthResult> Bearer(CallerAuthenticator authenticator, string token) => authenticator.AuthenticateAsync("Bearer " + token, null);

    [Fact]
    public async Task AuthenticateAsync_EntraToken_ReturnsObjectIdNameAndRoles()
    {
        var result = await Bearer(Authenticator(), tenant.Token(objectId, [Roles.Technician, "Reader"], name: "Avery Tech"));
        Assert.NotNull(result.Caller);
        Assert.Equal(objectId, result.Caller.UserId);
        Assert.Equal("Avery Tech", result.Caller.Name);
        Assert.Equal([Roles.Technician], result.Caller.Roles);
    }

    [Fact]
    public async Task AuthenticateAsync_AppIdUriAudience_IsAccepted()
    {
        var result = await Bearer(Authenticator(), tenant.Token(objectId, [Roles.Dispatcher], audience: tenant.AppIdUri));
        Assert.Equal([Roles.Dispatcher], result.Caller?.Roles);
    }

    [Fact]
    public async Task AuthenticateAsync_CustomAppIdUri_IsTheOnlyUriAccepted()
    {
        var authenticator = Authenticator(o => o.Audience = "api://fieldsync.contoso.com");
        Assert.NotNull((await Bearer(authenticator, tenant.Token(objectId, [Roles.Admin], audience: "api://fieldsync.contoso.com"))).Caller);
        Assert.Null((await Bearer(authenticator, tenant.Token(objectId, [Roles.Admin], audience: tenant.AppIdUri))).Caller);
    }

    [Fact]
    public async Task AuthenticateAsync_TokenOfAnotherTenant_FailsOnIssuer()
    {
        using var other = new LocalEntraTenant();
        // Signed with a key this tenant publishes, so only the issuer and the tid tell it apart.
        var token = tenant.Token(objectId, [Roles.Admin], issuer: other.Issuer, tenantId: other.TenantId);
        var result = await Bearer(Authenticator(), token);
        Assert.Null(result.Caller);
        Assert.Contains("another issuer", result.Failure, StringComparison.Ordinal);
        Assert.False(result.Unavailable);
    }

    [Fact]
    public async Task AuthenticateAsync_OtherTenantsOwnToken_Fails()
    {
        using var other = new LocalEntraTenant();
        var token = other.Token(objectId, [Roles.Admin], audience: tenant.ClientId);
        Assert.Null((await Bearer(Authenticator(), token)).Caller);
    }

    [Fact]
    public async Task AuthenticateAsync_RightIssuerWrongTid_Fails()
    {
        var result = await Bearer(Authenticator(), tenant.Token(objectId, [Roles.Admin], tenantId: Guid.NewGuid().ToString()));
        Assert.Null(result.Caller);
        Assert.Contains("another tenant", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_WrongAudience_Fails()
    {
        var result = await Bearer(Authenticator(), tenant.Token(objectId, [Roles.Admin], audience: Guid.NewGuid().ToString()));
        Assert.Null(result.Caller);
        Assert.Contains("another audience", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_Expired_Fails()
    {
        var token = tenant.Token(objectId, [Roles.Admin], lifetime: TimeSpan.FromMinutes(5), now: DateTimeOffset.UtcNow.AddHours(-1));
        var result = await Bearer(Authenticator(), token);
        Assert.Null(result.Caller);
        Assert.Contains("expired", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_Unsigned_Fails()
    {
        var result = await Bearer(Authenticator(), tenant.UnsignedToken(objectId, [Roles.Admin]));
        Assert.Null(result.Caller);
        Assert.Contains("signature", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_SymmetricKeyToken_Fails()
    {
        // Algorithm confusion: an HS256 token can never pass, whatever key it names.
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = tenant.Issuer,
            Audience = tenant.ClientId,
            Claims = new Dictionary<string, object> { ["oid"] = objectId, ["tid"] = tenant.TenantId, ["roles"] = new[] { Roles.Admin } },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(LocalTokens.NewKey()) { KeyId = tenant.SigningKey.KeyId }, SecurityAlgorithms.HmacSha256),
        };
        var result = await Bearer(Authenticator(), new JsonWebTokenHandler().CreateToken(descriptor));
        Assert.Null(result.Caller);
    }

    [Fact]
    public async Task AuthenticateAsync_UnknownKey_FailsAndReadsMetadataAtMostTwice()
    {
        var authenticator = Authenticator();
        for (var i = 0; i < 5; i++)
        {
            var result = await Bearer(authenticator, tenant.Token(objectId, [Roles.Admin], key: LocalEntraTenant.NewKey()));
            Assert.Null(result.Caller);
            Assert.Contains("signature", result.Failure, StringComparison.Ordinal);
        }
        // The first read, and at most one refresh for the unknown key: tokens with made-up keys cannot make us hammer Entra.
        Assert.InRange(tenant.MetadataReads, 1, 2);
    }

    [Fact]
    public async Task AuthenticateAsync_KeyRotated_NewKeyAcceptedWithoutRestart()
    {
        var authenticator = Authenticator();
        Assert.NotNull((await Bearer(authenticator, tenant.Token(objectId, [Roles.Admin]))).Caller);
        tenant.Rotate();
        var result = await Bearer(authenticator, tenant.Token(objectId, [Roles.Admin]));
        Assert.True(result.Caller is not null, result.Failure);
        Assert.Equal(2, tenant.MetadataReads);
    }

    [Fact]
    public async Task AuthenticateAsync_NoRoles_IsACallerWithoutRoles()
    {
        var result = await Bearer(Authenticator(), tenant.Token(objectId, []));
        Assert.NotNull(result.Caller);
        Assert.Empty(result.Caller.Roles);
    }

    [Fact]
    public async Task AuthenticateAsync_MetadataUnreachable_IsUnavailableNotUnauthenticated()
    {
        var token = tenant.Token(objectId, [Roles.Admin]);
        tenant.Stop();
        var result = await Bearer(Authenticator(), token);
        Assert.Null(result.Caller);
        Assert.True(result.Unavailable, result.Failure);
    }

    [Fact]
    public async Task AuthenticateAsync_MetadataUnreachableAfterARead_KeepsTheKeysItHas()
    {
        var authenticator = Authenticator();
        Assert.NotNull((await Bearer(authenticator, tenant.Token(objectId, [Roles.Admin]))).Caller);
        tenant.Stop();
        Assert.NotNull((await Bearer(authenticator, tenant.Token(objectId, [Roles.Technician]))).Caller);
        // An unknown key now cannot be checked against fresh keys, and is refused (not "unavailable": the keys held are current).
        var unknown = await Bearer(authenticator, tenant.Token(objectId, [Roles.Admin], key: LocalEntraTenant.NewKey()));
        Assert.Null(unknown.Caller);
        Assert.False(unknown.Unavailable);
    }

    [Fact]
    public async Task AuthenticateAsync_EntraModeWithPlatformHeader_IgnoresHeader()
    {
        var principal = Convert.ToBase64String("""{"claims":[{"typ":"oid","val":"x"},{"typ":"roles","val":"admin"}]}"""u8.ToArray());
        var result = await Authenticator().AuthenticateAsync(null, principal);
        Assert.Null(result.Caller);
        Assert.Equal(0, tenant.MetadataReads);
    }

    [Fact]
    public async Task AuthenticateAsync_LocalJwtInEntraMode_Fails()
    {
        var token = LocalTokens.Issue(LocalTokens.NewKey(), objectId, [Roles.Admin], TimeSpan.FromHours(1), DateTimeOffset.UtcNow,
            issuer: tenant.Issuer, audience: tenant.ClientId);
        Assert.Null((await Bearer(Authenticator(), token)).Caller);
    }

    [Theory]
    [InlineData(null, "TenantId")]
    [InlineData("common", "TenantId")]
    [InlineData("organizations", "TenantId")]
    public void Validate_EntraWithoutTenantGuid_ThrowsNamingTheSetting(string? tenantId, string setting)
    {
        var options = tenant.Options;
        options.TenantId = tenantId;
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("fieldsync")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void Validate_EntraWithoutClientIdGuid_ThrowsNamingTheSetting(string? clientId)
    {
        var options = tenant.Options;
        options.ClientId = clientId;
        Assert.Contains("ClientId", Assert.Throws<InvalidOperationException>(options.Validate).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://login.example.com/", null)]
    [InlineData("not a url", null)]
    [InlineData("https://login.microsoftonline.com/", "http://metadata.example.com/x")]
    public void Validate_EntraOverPlainHttp_Throws(string instance, string? metadata)
    {
        var options = tenant.Options;
        options.Instance = instance;
        options.MetadataAddress = metadata;
        Assert.Throws<InvalidOperationException>(options.Validate);
    }

    [Fact]
    public void EntraMetadataAddress_DefaultsToTheTenantsV2Document()
    {
        var options = new AuthOptions { Mode = AuthMode.Entra, TenantId = tenant.TenantId, ClientId = tenant.ClientId };
        options.Validate();
        Assert.Equal(new Uri($"https://login.microsoftonline.com/{tenant.TenantId}/v2.0/.well-known/openid-configuration"), options.EntraMetadataAddress);
        Assert.Equal([tenant.ClientId, tenant.AppIdUri], options.EntraAudiences);
    }
}
