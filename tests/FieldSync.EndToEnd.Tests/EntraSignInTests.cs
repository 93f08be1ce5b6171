using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using FieldSync.Core.Security;
using FieldSync.LocalHost.Hosting;
using FieldSync.Testing;

namespace FieldSync.EndToEnd.Tests;

/// <summary>The function app in the Entra auth mode (the deployment template's default), with the tenant's metadata and keys served on loopback.</summary>
public sealed class EntraApiFixture : IAsyncLifetime
{
    // Its own Azurite: queue names are fixed, and a host on the assembly's shared Azurite would take the other hosts' messages.
    private FieldSync.LocalHost.Azurite.AzuriteProcess azurite = null!;

    public LocalEntraTenant Tenant { get; } = new();

    public LocalFunctionHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        azurite = await FieldSync.LocalHost.Azurite.AzuriteProcess.StartAsync();
        Host = await FieldSyncTestHost.StartAsync(azurite.ConnectionString, TestSigningKey.Create(), options =>
        {
            options.Settings.Remove("FieldSync:Auth:SigningKey");
            foreach (var (name, value) in Tenant.HostSettings)
            {
                options.Settings[name] = value;
            }
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await azurite.DisposeAsync();
        Tenant.Dispose();
    }

    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }
}

public sealed class EntraSignInTests(EntraApiFixture api) : IClassFixture<EntraApiFixture>
{
    private static readonly Uri Schema = new("api/schema", UriKind.Relative);
    private readonly string objectId = Guid.NewGuid().ToString();

    [Fact]
    public async Task Health_NoToken_Returns200()
    {
        using var response = await api.Client().GetAsync(new Uri("api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task EveryFunctionButHealth_NoToken_Returns401Problem()
    {
        using var client = api.Client();
        var checkedRoutes = 0;
        foreach (var function in api.Host.Functions.Where(f => f.Trigger == TriggerKind.Http && f.Name != "Health"))
        {
            var path = Regex.Replace(function.Route!, @"\{[^}]+\}", "x");
            foreach (var method in function.Methods.DefaultIfEmpty("GET"))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path)
                {
                    Content = method is "POST" or "PUT" or "PATCH" ? new StringContent("{}", Encoding.UTF8, "application/json") : null,
                };
                using var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{function.Name}: {method} /{path} answered {(int)response.StatusCode} without a token");
                checkedRoutes++;
            }
        }
        Assert.True(checkedRoutes >= 10, $"only {checkedRoutes} routes checked");
    }

    [Fact]
    public async Task Schema_TechnicianToken_Returns200()
    {
        using var response = await api.Client(api.Tenant.Token(objectId, [Roles.Technician])).GetAsync(Schema);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Records_DispatcherTokenWithAppIdUriAudience_Returns200()
    {
        var token = api.Tenant.Token(objectId, [Roles.Dispatcher], audience: api.Tenant.AppIdUri);
        using var response = await api.Client(token).GetAsync(new Uri("api/records/workordertype", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Schema_TokenWithoutRoles_Returns403Problem()
    {
        using var response = await api.Client(api.Tenant.Token(objectId, [])).GetAsync(Schema);
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("no FieldSync role", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_TechnicianToken_Returns403Problem()
    {
        using var response = await api.Client(api.Tenant.Token(objectId, [Roles.Technician])).GetAsync(new Uri("api/records/workorder", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    public static TheoryData<string> RefusedTokens => ["other-tenant", "wrong-tid", "wrong-audience", "expired", "unsigned", "unknown-key", "local-jwt"];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task Schema_RefusedToken_Returns401Problem(string kind)
    {
        using var other = new LocalEntraTenant();
        var tenant = api.Tenant;
        var token = kind switch
        {
            "other-tenant" => other.Token(objectId, [Roles.Admin], audience: tenant.ClientId),
            "wrong-tid" => tenant.Token(objectId, [Roles.Admin], tenantId: other.TenantId),
            "wrong-audience" => tenant.Token(objectId, [Roles.Admin], audience: other.ClientId),
            "expired" => tenant.Token(objectId, [Roles.Admin], lifetime: TimeSpan.FromMinutes(5), now: DateTimeOffset.UtcNow.AddHours(-1)),
            "unsigned" => tenant.UnsignedToken(objectId, [Roles.Admin]),
            "unknown-key" => tenant.Token(objectId, [Roles.Admin], key: LocalEntraTenant.NewKey()),
            "local-jwt" => LocalTokens.Issue(LocalTokens.NewKey(), objectId, [Roles.Admin], TimeSpan.FromHours(1), DateTimeOffset.UtcNow, tenant.Issuer, tenant.ClientId),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        using var response = await api.Client(token).GetAsync(Schema);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Schema_PlatformPrincipalHeader_Returns401()
    {
        using var client = api.Client();
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL",
            Convert.ToBase64String("""{"claims":[{"typ":"oid","val":"x"},{"typ":"roles","val":"admin"}]}"""u8.ToArray()));
        using var response = await client.GetAsync(Schema);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }
}
