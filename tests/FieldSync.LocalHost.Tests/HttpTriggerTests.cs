using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FieldSync.LocalHost.Hosting;
using FieldSync.LocalHost.Tests.TestFunctions;
using FieldSync.Testing;

namespace FieldSync.LocalHost.Tests;

public sealed class HttpTriggerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private TestFunctionHost _host = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await TestFunctionHost.StartAsync(azurite);
        _client = _host.Host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Get_RouteWithParameters_BindsRouteValuesAndRequest()
    {
        var response = await _client.GetAsync("api/items/tools/42?q=hammer");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("tools", body.RootElement.GetProperty("category").GetString());
        Assert.Equal(42, body.RootElement.GetProperty("id").GetInt32());
        Assert.Equal("GET", body.RootElement.GetProperty("method").GetString());
        Assert.Equal("hammer", body.RootElement.GetProperty("query").GetString());
    }

    [Fact]
    public async Task Get_RouteConstraintNotMet_ReturnsNoSuchRouteProblem()
    {
        var response = await _client.GetAsync("api/items/tools/not-a-number");

        await AssertNoSuchRouteAsync(response);
    }

    [Fact]
    public async Task Post_ToGetOnlyRoute_ReturnsNoSuchRouteProblem()
    {
        var response = await _client.PostAsync("api/items/tools/42", null);

        await AssertNoSuchRouteAsync(response);
    }

    [Fact]
    public async Task Get_UnknownRoute_ReturnsNoSuchRouteProblem()
    {
        var response = await _client.GetAsync("api/nothing/here");

        await AssertNoSuchRouteAsync(response);
    }

    [Fact]
    public async Task Get_FunctionAnswersNotFound_IsNotNoSuchRoute()
    {
        var response = await _client.GetAsync("api/missing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("the function's own 404", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Post_FromBodyParameter_DeserializesJsonAndWritesObjectResult()
    {
        var response = await _client.PostAsJsonAsync("api/items", new { name = "drill", quantity = 3 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(new TestItem("drill", 3), Assert.Single(_host.Recorder.Calls("CreateItem")));
        Assert.Equal(new TestItem("drill", 3), await response.Content.ReadFromJsonAsync<TestItem>());
    }

    [Fact]
    public async Task Post_MalformedBody_ReturnsBadRequestProblem()
    {
        using var content = new StringContent("{ not json", System.Text.Encoding.UTF8, "application/json");
        var response = await _client.PostAsync("api/items", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("urn:fieldsync:problem:validation", problem.RootElement.GetProperty("type").GetString());
        Assert.Empty(_host.Recorder.Calls("CreateItem"));
    }

    [Fact]
    public async Task Get_FunctionThrows_ReturnsProblemWithoutExceptionDetails()
    {
        var response = await _client.GetAsync("api/fail");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("secret internal detail", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("urn:fieldsync:problem:internal-error", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(500, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("post")]
    public async Task Send_StaticFunctionReturningIResult_AnswersForEachListedMethod(string method)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "api/ping"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"pong {method.ToUpperInvariant()}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetAdminFunctions_Always_ListsEveryBoundFunction()
    {
        using var body = JsonDocument.Parse(await _client.GetStringAsync("admin/functions"));

        var listed = body.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f);
        Assert.Equal(_host.Host.Functions.Select(f => f.Name).Order(), listed.Keys.Order());
        Assert.Equal("api/items/{category}/{id:int}", listed["GetItem"].GetProperty("route").GetString());
        Assert.Equal("http", listed["GetItem"].GetProperty("trigger").GetString());
        Assert.Equal(_host.TextQueue, listed["OnText"].GetProperty("queueName").GetString());
    }

    private static async Task AssertNoSuchRouteAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(LocalFunctionHost.NoSuchRouteProblemType, body.RootElement.GetProperty("type").GetString());
    }
}
