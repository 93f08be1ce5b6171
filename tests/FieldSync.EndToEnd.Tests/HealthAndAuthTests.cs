using System.Net;
using FieldSync.Core.Security;

namespace FieldSync.EndToEnd.Tests;

[Collection(ApiGroup.Name)]
public class HealthAndAuthTests(ApiFixture api)
{
    [Fact]
    public async Task Health_Anonymous_Returns200WithVersionAndNoCaching()
    {
        using var response = await api.Anonymous().GetAsync(new Uri("api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
        Assert.True(body.TryGetProperty("serverTime", out _));
        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    [Theory]
    [InlineData("GET", "api/records/workorder")]
    [InlineData("POST", "api/records/workorder")]
    [InlineData("GET", "api/records/workorder/wo-1")]
    [InlineData("PATCH", "api/records/workorder/wo-1")]
    [InlineData("DELETE", "api/records/workorder/wo-1")]
    [InlineData("GET", "api/schema")]
    public async Task AnyEndpoint_NoToken_Returns401Problem(string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = method is "POST" or "PATCH" ? Http.JsonBody("{}") : null };
        using var response = await api.Anonymous().SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Fact]
    public async Task Records_ForgedToken_Returns401()
    {
        var forged = new HttpClient { BaseAddress = api.BaseAddress };
        forged.DefaultRequestHeaders.Authorization = new("Bearer",
            LocalTokens.Issue(LocalTokens.NewKey(), "mallory", [Roles.Admin], TimeSpan.FromHours(1), DateTimeOffset.UtcNow));
        using var response = await forged.GetAsync(new Uri("api/records/workorder", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Records_PlatformHeaderInJwtMode_Returns401()
    {
        using var client = api.Anonymous();
        client.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL",
            Convert.ToBase64String("""{"claims":[{"typ":"oid","val":"x"},{"typ":"roles","val":"admin"}]}"""u8.ToArray()));
        using var response = await client.GetAsync(new Uri("api/records/workorder", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Records_TechnicianRole_Returns403Problem()
    {
        using var response = await api.As("tech1", Roles.Technician).GetAsync(new Uri("api/records/workorder", UriKind.Relative));
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("dispatcher", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_AdminRole_IsAllowed()
    {
        using var response = await api.As("admin1", Roles.Admin).GetAsync(new Uri("api/records/workordertype", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Schema_Technician_ListsTables()
    {
        using var response = await api.As("tech1", Roles.Technician).GetAsync(new Uri("api/schema", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tables = (await response.JsonAsync()).GetProperty("tables");
        Assert.Equal("account", tables.GetProperty("workorder").GetProperty("columns").GetProperty("serviceaccount").GetProperty("target").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Returns404NoSuchRoute()
    {
        using var response = await api.Anonymous().GetAsync(new Uri("api/nothing-here", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "no-such-route");
    }
}
