using System.Net.Http.Headers;
using FieldSync.Core.Security;
using FieldSync.LocalHost.Hosting;
using FieldSync.Testing;

namespace FieldSync.EndToEnd.Tests;

/// <summary>
/// The FieldSync API as a device or dispatcher sees it: the local host (same function classes as Azure)
/// on its own Azurite, on a free port, with a signing key made for this run.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    private readonly AzuriteFixture azurite = new();
    private readonly byte[] key = LocalTokens.NewKey();
    private LocalFunctionHost? host;

    public Uri BaseAddress => host!.BaseAddress;

    public IServiceProvider Services => host!.Services;

    public async Task InitializeAsync()
    {
        await azurite.InitializeAsync();
        var options = new LocalFunctionHostOptions { StorageConnectionString = azurite.ConnectionString };
        options.Settings["FieldSync:Auth:Mode"] = "Jwt";
        options.Settings["FieldSync:Auth:SigningKey"] = Convert.ToBase64String(key);
        host = await LocalFunctionHost.StartAsync(options);
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
        await azurite.DisposeAsync();
    }

    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress };

    public HttpClient As(string user, params string[] roles)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            LocalTokens.Issue(key, user, roles, TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        return client;
    }

    public HttpClient Dispatcher() => As("dispatcher1", Roles.Dispatcher);

    /// <summary>A token signed with this run's key, with any lifetime, issuer or audience (for tokens the API must refuse).</summary>
    public string Token(string user, IReadOnlyCollection<string> roles, TimeSpan lifetime, DateTimeOffset now,
        string issuer = LocalTokens.DefaultIssuer, string audience = LocalTokens.DefaultAudience)
        => LocalTokens.Issue(key, user, roles, lifetime, now, issuer, audience);
}

[CollectionDefinition(Name)]
public sealed class ApiGroup : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
