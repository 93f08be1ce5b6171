using System.Net;
using System.Text.Json;

namespace FieldSync.EndToEnd.Tests;

/// <summary>The dispatcher's records API over HTTP: the "done when" walk-through and every bad input.</summary>
[Collection(ApiGroup.Name)]
public class RecordsApiTests(ApiFixture api)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private static async Task<string> CreateAccountAsync(HttpClient client)
    {
        var id = NewId("acc");
        using var response = await client.PostAsync(new Uri("api/records/account", UriKind.Relative), Http.JsonBody($$"""{ "id": "{{id}}", "name": "Contoso Pharmaceuticals" }"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    [Fact]
    public async Task WorkOrder_CreateReadUpdateList_Works()
    {
        using var client = api.Dispatcher();
        var account = await CreateAccountAsync(client);
        var id = NewId("wo");

        using var created = await client.PostAsync(new Uri("api/records/workorder", UriKind.Relative), Http.JsonBody($$"""
            { "id": "{{id}}", "name": "WO-1001", "serviceaccount": "{{account}}", "priority": 3,
              "starttime": "2026-11-25T08:00:00Z", "endtime": "2026-11-25T10:00:00Z" }
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.ETag());
        Assert.Equal($"/api/records/workorder/{id}", created.Headers.Location?.ToString());
        var body = await created.JsonAsync();
        Assert.Equal(1, body.GetProperty("version").GetInt64());
        Assert.Equal("dispatcher1", body.GetProperty("modifiedBy").GetString());

        using var read = await client.GetAsync(new Uri($"api/records/workorder/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("WO-1001", (await read.JsonAsync()).GetProperty("name").GetString());

        using var updated = await client.SendAsync(Http.Patch($"api/records/workorder/{id}", """{ "endtime": "2026-11-25T11:00:00Z" }""", "\"1\""));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.ETag());
        var after = await updated.JsonAsync();
        Assert.Equal("2026-11-25T11:00:00Z", after.GetProperty("endtime").GetString());
        Assert.Equal("2026-11-25T08:00:00Z", after.GetProperty("starttime").GetString());

        var found = await ListAllAsync(client, "workorder", pageSize: 50);
        Assert.Contains(found, r => r.GetProperty("id").GetString() == id && r.GetProperty("version").GetInt64() == 2);
    }

    [Fact]
    public async Task Update_WrongIfMatch_Returns412WithCurrentRecord()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var first = await client.SendAsync(Http.Patch($"api/records/account/{id}", """{ "telephone1": "555-0100" }""", "\"1\""));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var stale = await client.SendAsync(Http.Patch($"api/records/account/{id}", """{ "telephone1": "555-0199" }""", "\"1\""));
        var problem = await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Equal(2, problem.GetProperty("current").GetProperty("version").GetInt64());
        Assert.Equal("555-0100", problem.GetProperty("current").GetProperty("telephone1").GetString());
        Assert.Equal("\"2\"", stale.ETag());
    }

    [Fact]
    public async Task Update_ConcurrentFromSameVersion_OneWinsOneGets412()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            client.SendAsync(Http.Patch($"api/records/account/{id}", $$"""{ "telephone1": "555-01{{i:D2}}" }""", "\"1\""))));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
    }

    [Fact]
    public async Task Update_NoIfMatch_Returns428()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var response = await client.SendAsync(Http.Patch($"api/records/account/{id}", """{ "telephone1": "1" }""", null));
        await response.AssertProblemAsync(HttpStatusCode.PreconditionRequired, "precondition-required");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("\"-1\"")]
    [InlineData("\"1")]
    public async Task Update_MalformedIfMatch_Returns400(string ifMatch)
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var response = await client.SendAsync(Http.Patch($"api/records/account/{id}", """{ "telephone1": "1" }""", ifMatch));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-if-match");
    }

    [Fact]
    public async Task Update_IfMatchStar_Overwrites()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var response = await client.SendAsync(Http.Patch($"api/records/account/{id}", """{ "telephone1": "1" }""", "*"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Delete_MatchingVersion_Returns204ThenRecordNotFound()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var stale = await client.SendAsync(Http.Delete($"api/records/account/{id}", "\"7\""));
        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var noPrecondition = await client.SendAsync(Http.Delete($"api/records/account/{id}", null));
        await noPrecondition.AssertProblemAsync(HttpStatusCode.PreconditionRequired, "precondition-required");

        using var deleted = await client.SendAsync(Http.Delete($"api/records/account/{id}", "\"1\""));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("\"2\"", deleted.ETag());

        using var read = await client.GetAsync(new Uri($"api/records/account/{id}", UriKind.Relative));
        var problem = await read.AssertProblemAsync(HttpStatusCode.NotFound, "record-not-found");
        Assert.Equal("Record Not Found", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsRecordNotFound()
    {
        using var response = await api.Dispatcher().GetAsync(new Uri("api/records/workorder/never-existed", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "record-not-found");
    }

    [Fact]
    public async Task Get_IfNoneMatchCurrent_Returns304()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/records/account/{id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", "\"1\"");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Create_ExistingId_Returns409()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var response = await client.PostAsync(new Uri("api/records/account", UriKind.Relative), Http.JsonBody($$"""{ "id": "{{id}}", "name": "Again" }"""));
        await response.AssertProblemAsync(HttpStatusCode.Conflict, "already-exists");
    }

    [Theory]
    [InlineData("""{ "name": "X", "colour": "red" }""", "colour")]
    [InlineData("""{ "name": 42 }""", "name")]
    [InlineData("""{ "name": "X", "address1_latitude": "north" }""", "address1_latitude")]
    [InlineData("""{ "name": "X", "accountcategory": 99 }""", "accountcategory")]
    [InlineData("""{ "name": "X", "version": 5 }""", "version")]
    [InlineData("""{ "name": "X", "modifiedBy": "someone" }""", "modifiedBy")]
    [InlineData("""{ "id": "bad/id", "name": "X" }""", "id")]
    [InlineData("""{ "id": "bad#id", "name": "X" }""", "id")]
    [InlineData("""{ "id": "bad?id", "name": "X" }""", "id")]
    [InlineData("""{ "id": "bad\\id", "name": "X" }""", "id")]
    [InlineData("""{ "id": "bad\u0007id", "name": "X" }""", "id")]
    [InlineData("""{ "id": 12, "name": "X" }""", "id")]
    [InlineData("""{ "telephone1": "555" }""", "name")]
    [InlineData("""{ "name": "X", "primarycontact": "a b" }""", "primarycontact")]
    public async Task Create_InvalidBody_Returns400NamingFieldAndWritesNothing(string json, string field)
    {
        using var client = api.Dispatcher();
        var before = (await ListAllAsync(client, "account", 1000)).Count;
        using var response = await client.PostAsync(new Uri("api/records/account", UriKind.Relative), Http.JsonBody(json));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        Assert.Equal(before, (await ListAllAsync(client, "account", 1000)).Count);
    }

    [Theory]
    [InlineData("{ \"name\": ")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Create_MalformedJson_Returns400(string body)
    {
        using var response = await api.Dispatcher().PostAsync(new Uri("api/records/account", UriKind.Relative), Http.JsonBody(body));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
    }

    [Fact]
    public async Task Create_OversizedBody_Returns413()
    {
        var huge = new string('x', 1024 * 1024 + 10);
        using var response = await api.Dispatcher().PostAsync(new Uri("api/records/account", UriKind.Relative), Http.JsonBody($$"""{ "name": "{{huge}}" }"""));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    [Fact]
    public async Task Create_TextTooLongForColumn_Returns400()
    {
        var longName = new string('x', 161);
        using var response = await api.Dispatcher().PostAsync(new Uri("api/records/account", UriKind.Relative), Http.JsonBody($$"""{ "name": "{{longName}}" }"""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Create_WrongContentType_Returns415()
    {
        using var content = new StringContent("name=X", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await api.Dispatcher().PostAsync(new Uri("api/records/account", UriKind.Relative), content);
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task AnyOperation_UnknownTable_Returns404UnknownTable()
    {
        using var client = api.Dispatcher();
        using var list = await client.GetAsync(new Uri("api/records/spaceship", UriKind.Relative));
        await list.AssertProblemAsync(HttpStatusCode.NotFound, "unknown-table");
        using var create = await client.PostAsync(new Uri("api/records/spaceship", UriKind.Relative), Http.JsonBody("""{ "name": "x" }"""));
        await create.AssertProblemAsync(HttpStatusCode.NotFound, "unknown-table");
    }

    [Theory]
    [InlineData("a%23b")]
    [InlineData("a%3Fb")]
    [InlineData("a%5Cb")]
    [InlineData("a%20b")]
    public async Task Get_UnsafeIdInUrl_Returns400(string escapedId)
    {
        using var response = await api.Dispatcher().GetAsync(new Uri($"api/records/account/{escapedId}", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task Update_IdInBodyDiffers_Returns400()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var response = await client.SendAsync(Http.Patch($"api/records/account/{id}", """{ "id": "other", "telephone1": "1" }""", "\"1\""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task List_PagesWithContinuation_ReturnsEachRecordOnce()
    {
        using var client = api.Dispatcher();
        var prefix = NewId("prd")[..10];
        for (var i = 0; i < 7; i++)
        {
            using var r = await client.PostAsync(new Uri("api/records/product", UriKind.Relative), Http.JsonBody($$"""{ "id": "{{prefix}}-{{i}}", "name": "P{{i}}" }"""));
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        var all = await ListAllAsync(client, "product", pageSize: 2);
        var ids = all.Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Equal(7, ids.Count(id => id.StartsWith(prefix, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("pageSize=0", "validation")]
    [InlineData("pageSize=5000", "validation")]
    [InlineData("pageSize=ten", "validation")]
    [InlineData("continuation=bogus", "validation")]
    [InlineData("includeDeleted=maybe", "validation")]
    [InlineData("skip=10", "validation")]
    public async Task List_BadQuery_Returns400(string query, string slug)
    {
        using var response = await api.Dispatcher().GetAsync(new Uri($"api/records/product?{query}", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, slug);
    }

    private static async Task<List<JsonElement>> ListAllAsync(HttpClient client, string table, int pageSize)
    {
        var all = new List<JsonElement>();
        string? continuation = null;
        for (var pages = 0; pages < 1000; pages++)
        {
            var url = $"api/records/{table}?pageSize={pageSize}" + (continuation is null ? "" : $"&continuation={Uri.EscapeDataString(continuation)}");
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.JsonAsync();
            all.AddRange(body.GetProperty("value").EnumerateArray().Select(e => e.Clone()));
            if (!body.TryGetProperty("continuation", out var c))
            {
                return all;
            }
            continuation = c.GetString();
        }
        throw new InvalidOperationException("listing did not end");
    }
}
