using FieldSync.Core.Devices;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.EndToEnd.Tests;

/// <summary>
/// Issue #8's hostile inputs that used to answer 500 or be accepted: text that is not Unicode, weak ETags,
/// If-None-Match: *, dates storage cannot hold, unsafe profile ids, forged checkpoints. Each is a 4xx problem
/// and writes nothing.
/// </summary>
[Collection(ApiGroup.Name)]
public class HostileInputTests(ApiFixture api)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private static ByteArrayContent Utf8Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>The JSON with every <c>X</c> byte replaced by 0xFF, which is never UTF-8.</summary>
    private static byte[] WithInvalidUtf8(string json)
        => Encoding.UTF8.GetBytes(json).Select(b => b == (byte)'X' ? (byte)0xFF : b).ToArray();

    private static async Task<string> CreateAccountAsync(HttpClient client)
    {
        var id = NewId("acc");
        using var response = await client.PostAsync(new Uri("api/records/account", UriKind.Relative), Http.JsonBody($$"""{ "id": "{{id}}", "name": "Hostile Input Ltd" }"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return id;
    }

    private static async Task AssertNotCreatedAsync(HttpClient client, string table, string id)
    {
        using var read = await client.GetAsync(new Uri($"api/records/{table}/{id}", UriKind.Relative));
        await read.AssertProblemAsync(HttpStatusCode.NotFound, "record-not-found");
    }

    [Theory]
    [InlineData("""{ "id": "ID", "name": "\ud800" }""")]
    [InlineData("""{ "id": "ID", "name": "a\udc00b" }""")]
    [InlineData("""{ "id": "ID", "name": "\ud800\ud800" }""")]
    [InlineData("""{ "id": "ID", "name": "ok", "\ud83d": 1 }""")]
    public async Task CreateRecord_LoneSurrogateEscape_Returns400MalformedJsonAndWritesNothing(string template)
    {
        using var client = api.Dispatcher();
        var id = NewId("sur");
        using var response = await client.PostAsync(new Uri("api/records/account", UriKind.Relative), Http.JsonBody(template.Replace("ID", id, StringComparison.Ordinal)));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        Assert.Contains("not Unicode", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNotCreatedAsync(client, "account", id);
    }

    [Theory]
    [InlineData("""{ "id": "ID", "name": "caf X" }""")]
    [InlineData("""{ "id": "ID", "name": "ok", "nXme": "a" }""")]
    public async Task CreateRecord_InvalidUtf8_Returns400MalformedJsonAndWritesNothing(string template)
    {
        using var client = api.Dispatcher();
        var id = NewId("utf");
        using var response = await client.PostAsync(new Uri("api/records/account", UriKind.Relative), Utf8Body(WithInvalidUtf8(template.Replace("ID", id, StringComparison.Ordinal))));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        await AssertNotCreatedAsync(client, "account", id);
    }

    [Fact]
    public async Task UpdateRecord_LoneSurrogateEscape_Returns400AndKeepsTheRecord()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var response = await client.SendAsync(Http.Patch($"api/records/account/{id}", """{ "name": "\udfff" }""", "\"1\""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        using var read = await client.GetAsync(new Uri($"api/records/account/{id}", UriKind.Relative));
        Assert.Equal("\"1\"", read.ETag());
    }

    [Theory]
    [InlineData("""{ "deviceId": "\ud800" }""")]
    [InlineData("""{ "deviceId": "d1", "checkpoint": "\udc00" }""")]
    [InlineData("""{ "deviceId": "d1", "tables": [ "\ud800" ] }""")]
    public async Task Pull_LoneSurrogateEscape_Returns400(string body)
    {
        using var client = api.As("tech-hostile-pull", Roles.Technician);
        using var response = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody(body));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
    }

    [Fact]
    public async Task Pull_InvalidUtf8_Returns400AndBindsNoDevice()
    {
        var device = NewId("dev");
        using var client = api.As("tech-hostile-pull", Roles.Technician);
        using var response = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative),
            Utf8Body(WithInvalidUtf8($$"""{ "deviceId": "{{device}}", "tables": [ "workXrder" ] }""")));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        Assert.Null(await api.Services.GetRequiredService<IDeviceRegistry>().GetAsync(device, CancellationToken.None));
    }

    [Theory]
    [InlineData("""{ "deviceId": "DEV", "batchId": "b1", "sequence": 1, "changes": [ { "action": "create", "table": "account", "id": "a1", "values": { "name": "\ud800" } } ] }""")]
    [InlineData("""{ "deviceId": "DEV", "batchId": "b1", "sequence": 1, "changes": [ { "action": "create", "table": "account", "id": "a1", "values": { "\udc00": "x" } } ] }""")]
    public async Task Push_LoneSurrogateEscape_Returns400AndStoresNothing(string template)
    {
        var device = NewId("dev");
        using var client = api.As("tech-hostile-push", Roles.Technician);
        using var response = await client.PostAsync(new Uri("api/sync/push", UriKind.Relative), Http.JsonBody(template.Replace("DEV", device, StringComparison.Ordinal)));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        Assert.Null(await api.Services.GetRequiredService<IDeviceRegistry>().GetAsync(device, CancellationToken.None));
    }

    [Theory]
    [InlineData("""{ "id": "hostile-profile", "name": "\ud800", "tables": {} }""")]
    [InlineData("""{ "id": "hostile-profile", "name": "Hostile", "tables": { "\udc00": { "download": "all", "syncIntervalMinutes": 60 } } }""")]
    public async Task PutProfile_LoneSurrogateEscape_Returns400AndSavesNothing(string body)
    {
        using var admin = api.As("admin1", Roles.Admin);
        using var response = await admin.PutAsync(new Uri("api/admin/profiles/hostile-profile", UriKind.Relative), Http.JsonBody(body));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        using var get = await admin.GetAsync(new Uri("api/admin/profiles/hostile-profile", UriKind.Relative));
        await get.AssertProblemAsync(HttpStatusCode.NotFound, "profile-not-found");
    }

    [Theory]
    [InlineData("""{ "profileId": "a/b" }""")]
    [InlineData("""{ "profileId": "a\\b" }""")]
    [InlineData("""{ "profileId": "a#b" }""")]
    [InlineData("""{ "profileId": "a?b" }""")]
    [InlineData("""{ "profileId": "field-service-mobile\n" }""")]
    [InlineData("""{ "profileId": "\u0001" }""")]
    [InlineData("""{ "profileId": "" }""")]
    public async Task AssignProfile_UnsafeProfileId_Returns400AndAssignsNothing(string body)
    {
        var user = NewId("user");
        using var admin = api.As("admin1", Roles.Admin);
        using var response = await admin.PutAsync(new Uri($"api/admin/assignments/{user}", UriKind.Relative), Http.JsonBody(body));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal("profileId", problem.GetProperty("errors")[0].GetProperty("field").GetString());
        var assignments = await api.Services.GetRequiredService<IProfileStore>().ListAssignmentsAsync(CancellationToken.None);
        Assert.DoesNotContain(assignments, a => a.UserId == user);
    }

    [Fact]
    public async Task AssignProfile_LoneSurrogateProfileId_Returns400()
    {
        using var admin = api.As("admin1", Roles.Admin);
        using var response = await admin.PutAsync(new Uri($"api/admin/assignments/{NewId("user")}", UriKind.Relative), Http.JsonBody("""{ "profileId": "\ud800" }"""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
    }

    [Theory]
    [InlineData("a%23b")]
    [InlineData("a%3Fb")]
    [InlineData("UPPER")]
    [InlineData("a%5Cb")]
    [InlineData("%C3%A9t%C3%A9")]
    public async Task GetProfile_UnsafeProfileId_Returns400(string escapedId)
    {
        using var admin = api.As("admin1", Roles.Admin);
        using var response = await admin.GetAsync(new Uri($"api/admin/profiles/{escapedId}", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Theory]
    [InlineData("W/\"1\"")]
    [InlineData(" W/\"1\" ")]
    [InlineData("W/\"2\"")]
    public async Task UpdateRecord_WeakIfMatch_Returns412AndWritesNothing(string ifMatch)
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var response = await client.SendAsync(Http.Patch($"api/records/account/{id}", """{ "telephone1": "555-0100" }""", ifMatch));
        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var read = await client.GetAsync(new Uri($"api/records/account/{id}", UriKind.Relative));
        Assert.Equal("\"1\"", read.ETag());
        Assert.False((await read.JsonAsync()).TryGetProperty("telephone1", out var phone) && phone.ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task DeleteRecord_WeakIfMatch_Returns412AndKeepsTheRecord()
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var response = await client.SendAsync(Http.Delete($"api/records/account/{id}", "W/\"1\""));
        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "precondition-failed");
        using var read = await client.GetAsync(new Uri($"api/records/account/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("W/\"1\"")]
    [InlineData("\"7\", \"1\"")]
    public async Task GetRecord_IfNoneMatchMatchingTheRecord_Returns304(string ifNoneMatch)
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/records/account/{id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal("\"1\"", response.ETag());
    }

    [Theory]
    [InlineData("\"2\"")]
    [InlineData("garbage")]
    [InlineData("W/")]
    public async Task GetRecord_IfNoneMatchNotMatching_Returns200(string ifNoneMatch)
    {
        using var client = api.Dispatcher();
        var id = await CreateAccountAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/records/account/{id}");
        request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, (await response.JsonAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task GetRecord_IfNoneMatchStarOnUnknownRecord_Returns404()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/records/account/{NewId("none")}");
        request.Headers.TryAddWithoutValidation("If-None-Match", "*");
        using var response = await api.Dispatcher().SendAsync(request);
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "record-not-found");
    }

    [Theory]
    [InlineData("workorder", """ "starttime": "1600-12-31T23:59:59Z" """, "starttime")]
    [InlineData("workorder", """ "endtime": "0001-01-01T00:00:00Z" """, "endtime")]
    [InlineData("customerasset", """ "installedon": "1066-10-14" """, "installedon")]
    public async Task CreateRecord_DateBefore1601_Returns400NamingTheFieldAndWritesNothing(string table, string column, string field)
    {
        using var client = api.Dispatcher();
        var account = await CreateAccountAsync(client);
        var id = NewId("old");
        var lookup = table == "workorder" ? "serviceaccount" : "account";
        using var response = await client.PostAsync(new Uri($"api/records/{table}", UriKind.Relative),
            Http.JsonBody($$"""{ "id": "{{id}}", "name": "Old", "{{lookup}}": "{{account}}", {{column}} }"""));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Contains("1601-01-01", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        await AssertNotCreatedAsync(client, table, id);
    }

    [Fact]
    public async Task UpdateRecord_DateBefore1601_Returns400AndKeepsTheRecord()
    {
        using var client = api.Dispatcher();
        var account = await CreateAccountAsync(client);
        var id = NewId("wo");
        using (var created = await client.PostAsync(new Uri("api/records/workorder", UriKind.Relative),
            Http.JsonBody($$"""{ "id": "{{id}}", "name": "WO", "serviceaccount": "{{account}}", "starttime": "2026-11-25T08:00:00Z" }""")))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        using var response = await client.SendAsync(Http.Patch($"api/records/workorder/{id}", """{ "starttime": "1600-01-01T00:00:00+00:00" }""", "\"1\""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        using var read = await client.GetAsync(new Uri($"api/records/workorder/{id}", UriKind.Relative));
        Assert.Equal("2026-11-25T08:00:00Z", (await read.JsonAsync()).GetProperty("starttime").GetString());
    }

    private static string Token(string json)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static TheoryData<string> ForgedCheckpoints() => new()
    {
        """{ "v": 1, "d": "DEV", "u": "USER", "b": null }""",
        """{ "v": 1, "d": "DEV", "u": "USER", "b": { "workorder": null } }""",
        """{ "v": 1, "d": "DEV", "u": "USER", "b": { "workorder": { "s": null, "q": 1, "c": true, "n": 0, "t": 0 } } }""",
        """{ "v": 1, "d": "DEV", "u": "USER", "at": 9223372036854775807, "b": {} }""",
        """{ "v": 1, "d": "DEV", "u": "USER", "at": -9223372036854775808, "b": {} }""",
        """{ "v": 1, "d": "DEV", "u": "USER", "b": { "workorder": { "s": "s|field-service-mobile", "q": 1, "c": true, "n": 0, "t": 9223372036854775807 } } }""",
        """{ "v": 1, "d": "DEV", "u": "USER", "b": { "workorder": { "s": "s|field-service-mobile", "q": -5, "c": true, "n": 0, "t": 0 } } }""",
        """{ "v": 1, "d": "DEV", "u": "USER", "b": { "workorder": { "s": "s|a/b", "q": 1, "c": true, "n": 0, "t": 0 } } }""",
        """{ "v": 1, "d": "DEV", "u": "USER", "b": { "work/order": { "s": "s|field-service-mobile", "q": 1, "c": true, "n": 0, "t": 0 } } }""",
        """{ "v": 1, "d": "DEV", "u": "USER", "ps": -1, "b": {} }""",
    };

    [Theory]
    [MemberData(nameof(ForgedCheckpoints))]
    public async Task Pull_ForgedCheckpoint_Returns400InvalidCheckpointAndBindsNoDevice(string template)
    {
        var user = NewId("tech");
        var device = NewId("dev");
        var checkpoint = Token(template.Replace("DEV", device, StringComparison.Ordinal).Replace("USER", user, StringComparison.Ordinal));
        using var client = api.As(user, Roles.Technician);
        using var response = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative),
            Http.JsonBody($$"""{ "deviceId": "{{device}}", "checkpoint": "{{checkpoint}}" }"""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-checkpoint");
        Assert.Null(await api.Services.GetRequiredService<IDeviceRegistry>().GetAsync(device, CancellationToken.None));
    }

    [Theory]
    [InlineData("a%23b")]
    [InlineData("a%3Fb")]
    [InlineData("a%27b")]
    [InlineData("spaceship")]
    public async Task GetOfflineRecord_UnsafeOrUnknownTable_Returns404AndNever500(string escapedTable)
    {
        var user = NewId("tech");
        var device = NewId("dev");
        using var client = api.As(user, Roles.Technician);
        using (var pull = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody($$"""{ "deviceId": "{{device}}" }""")))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        }
        using var response = await client.GetAsync(new Uri($"api/sync/records/{escapedTable}/x1?deviceId={device}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
