using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FieldSync.Core.FullDelta;
using FieldSync.Core.Security;

namespace FieldSync.EndToEnd.Tests;

/// <summary>Full delta sync over HTTP on the local host: verify lists what differs, fetch returns only the device's own rows.</summary>
[Collection(ApiGroup.Name)]
public class FullDeltaApiTests(ApiFixture api)
{
    private static readonly Uri PullUri = new("api/sync/pull", UriKind.Relative);
    private static readonly Uri VerifyUri = new("api/sync/verify", UriKind.Relative);
    private static readonly Uri FetchUri = new("api/sync/fetch", UriKind.Relative);

    private static async Task<string> FirstSyncAsync(HttpClient client, string deviceId)
    {
        string? checkpoint = null;
        while (true)
        {
            using var response = await client.PostAsync(PullUri, Http.JsonBody(JsonSerializer.Serialize(new { deviceId, checkpoint })));
            var body = await response.JsonAsync();
            checkpoint = body.GetProperty("checkpoint").GetString();
            if (!body.GetProperty("hasMore").GetBoolean())
            {
                return checkpoint!;
            }
        }
    }

    /// <summary>A new technician with a booking and its work order, whose phone finished its first sync (dispose the client).</summary>
    private async Task<(HttpClient Client, string WorkOrder, string DeviceId, string Checkpoint)> SyncedTechnicianAsync()
    {
        using var dispatcher = api.Dispatcher();
        var (user, _, workOrder, _) = await FieldServiceData.TechnicianWithBookingAsync(dispatcher);
        var client = api.As(user, Roles.Technician);
        var deviceId = "phone-" + user;
        return (client, workOrder, deviceId, await FirstSyncAsync(client, deviceId));
    }

    [Fact]
    public async Task Verify_WorkOrderMissing_ListsItAndFetchReturnsItGzipped()
    {
        var (technician, workOrder, deviceId, checkpoint) = await SyncedTechnicianAsync();
        using var client = technician;

        // The device lost its work order: it reports no rows of that table and holds its booking.
        var verifyBody = JsonSerializer.Serialize(new { deviceId, checkpoint, tables = new Dictionary<string, object> { ["workorder"] = new { count = 0, checksum = "0000000000000000" } } });
        using var verify = await client.PostAsync(VerifyUri, Http.JsonBody(verifyBody));
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        var answer = await verify.JsonAsync();
        var table = answer.GetProperty("tables").GetProperty("workorder");
        Assert.Equal("repair", table.GetProperty("status").GetString());
        Assert.True(table.GetProperty("complete").GetBoolean());
        var row = Assert.Single(table.GetProperty("rows").EnumerateArray());
        Assert.Equal(workOrder, row[0].GetString());
        Assert.True(answer.GetProperty("tables").TryGetProperty("bookableresourcebooking", out _));
        Assert.False(answer.TryGetProperty("continuation", out _));
        var repaired = answer.GetProperty("checkpoint").GetString();

        client.DefaultRequestHeaders.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        var fetchBody = JsonSerializer.Serialize(new { deviceId, checkpoint = repaired, table = "workorder", ids = new[] { workOrder, "wo-nobody-has" }, seqs = new[] { row[2].GetInt64(), 1L } });
        using var fetch = await client.PostAsync(FetchUri, Http.JsonBody(fetchBody));
        Assert.Equal(HttpStatusCode.OK, fetch.StatusCode);
        JsonElement fetched;
        if (fetch.Content.Headers.ContentEncoding.Contains("gzip"))
        {
            await using var unzip = new GZipStream(await fetch.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
            fetched = (await JsonDocument.ParseAsync(unzip)).RootElement;
        }
        else
        {
            fetched = await fetch.JsonAsync();
        }
        var record = Assert.Single(fetched.GetProperty("rows").EnumerateArray());
        Assert.Equal(workOrder, record.GetProperty("id").GetString());
        Assert.Equal(row[1].GetInt64(), record.GetProperty("version").GetInt64());
        Assert.Equal(["wo-nobody-has"], fetched.GetProperty("gone").EnumerateArray().Select(g => g.GetString()));

        // The repaired checkpoint continues like any other: the next pull works and finds nothing new.
        client.DefaultRequestHeaders.AcceptEncoding.Clear();
        using var pull = await client.PostAsync(PullUri, Http.JsonBody(JsonSerializer.Serialize(new { deviceId, checkpoint = repaired, force = true })));
        Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        Assert.Empty((await pull.JsonAsync()).GetProperty("changes").EnumerateObject());
    }

    [Fact]
    public async Task Verify_WithHeldRowsFilters_SendsWhatTheDeviceLacksWholeAndOnlyListsWhatItHolds()
    {
        using var dispatcher = api.Dispatcher();
        var (user, bookingId, workOrder, _) = await FieldServiceData.TechnicianWithBookingAsync(dispatcher);
        using var client = api.As(user, Roles.Technician);
        var deviceId = "phone-" + user;
        var checkpoint = await FirstSyncAsync(client, deviceId);
        using var held = await client.GetAsync(new Uri($"api/sync/records/bookableresourcebooking/{bookingId}?deviceId={deviceId}", UriKind.Relative));
        var bookingVersion = (await held.JsonAsync()).GetProperty("version").GetInt64();

        // The device holds its booking but reports a wrong checksum for it, and lost its work order: the filters say so.
        var verifyBody = JsonSerializer.Serialize(new
        {
            deviceId, checkpoint, tables = new Dictionary<string, object>
            {
                ["bookableresourcebooking"] = new { count = 1, checksum = "0000000000000001", heldRows = HeldRowsFilter.Of([(bookingId, bookingVersion)]).Encoded },
                ["workorder"] = new { count = 0, checksum = "0000000000000000", heldRows = HeldRowsFilter.ForRows(0).Encoded },
            },
        });
        using var verify = await client.PostAsync(VerifyUri, Http.JsonBody(verifyBody));
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        var tables = (await verify.JsonAsync()).GetProperty("tables");

        var workOrders = tables.GetProperty("workorder");
        Assert.Equal(workOrder, Assert.Single(workOrders.GetProperty("rows").EnumerateArray())[0].GetString());
        var sent = Assert.Single(workOrders.GetProperty("upserts").EnumerateArray());
        Assert.Equal(workOrder, sent.GetProperty("id").GetString());
        Assert.True(sent.TryGetProperty("name", out _), "a row sent whole carries its fields, as a pull's upserts do");
        var bookings = tables.GetProperty("bookableresourcebooking");
        Assert.Equal("repair", bookings.GetProperty("status").GetString());
        Assert.Equal(bookingId, Assert.Single(bookings.GetProperty("rows").EnumerateArray())[0].GetString());
        Assert.False(bookings.TryGetProperty("upserts", out _), "the filter says the device holds its booking at that version");
    }

    [Fact]
    public async Task Fetch_AnotherTechniciansRecord_IsGone()
    {
        using var dispatcher = api.Dispatcher();
        var (user, _, _, _) = await FieldServiceData.TechnicianWithBookingAsync(dispatcher);
        var (_, otherBooking, _, _) = await FieldServiceData.TechnicianWithBookingAsync(dispatcher);
        using var client = api.As(user, Roles.Technician);
        var deviceId = "phone-" + user;
        var checkpoint = await FirstSyncAsync(client, deviceId);

        using var fetch = await client.PostAsync(FetchUri, Http.JsonBody(JsonSerializer.Serialize(new { deviceId, checkpoint, table = "bookableresourcebooking", ids = new[] { otherBooking } })));

        var body = await fetch.JsonAsync();
        Assert.Empty(body.GetProperty("rows").EnumerateArray());
        Assert.Equal([otherBooking], body.GetProperty("gone").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task Verify_OlderDatabase_Is409Superseded()
    {
        var (technician, _, deviceId, old) = await SyncedTechnicianAsync();
        using var client = technician;
        await FirstSyncAsync(client, deviceId); // reinstalled: a new database

        using var verify = await client.PostAsync(VerifyUri, Http.JsonBody(JsonSerializer.Serialize(new { deviceId, checkpoint = old, tables = new { } })));

        await verify.AssertProblemAsync(HttpStatusCode.Conflict, "checkpoint-superseded");
    }

    [Fact]
    public async Task Verify_BadInput_IsAProblemNamingTheField()
    {
        using var dispatcher = api.Dispatcher();
        var (user, _, _, _) = await FieldServiceData.TechnicianWithBookingAsync(dispatcher);
        var (other, _, _, _) = await FieldServiceData.TechnicianWithBookingAsync(dispatcher);
        using var client = api.As(user, Roles.Technician);
        using var otherClient = api.As(other, Roles.Technician);
        var deviceId = "phone-" + user;
        var checkpoint = await FirstSyncAsync(client, deviceId);
        await FirstSyncAsync(otherClient, "phone-" + other);

        foreach (var (body, status, slug) in new[]
        {
            (JsonSerializer.Serialize(new { deviceId, checkpoint, tables = new Dictionary<string, object> { ["spaceship"] = new { count = 1, checksum = "0123456789abcdef" } } }), HttpStatusCode.BadRequest, "validation"),
            (JsonSerializer.Serialize(new { deviceId, checkpoint, tables = new Dictionary<string, object> { ["workorder"] = new { count = 1, checksum = "nothex" } } }), HttpStatusCode.BadRequest, "validation"),
            (JsonSerializer.Serialize(new { checkpoint, tables = new { } }), HttpStatusCode.BadRequest, "validation"),
            (JsonSerializer.Serialize(new { deviceId = "phone-" + other, checkpoint, tables = new { } }), HttpStatusCode.Forbidden, "forbidden"),
        })
        {
            using var response = await client.PostAsync(VerifyUri, Http.JsonBody(body));
            await response.AssertProblemAsync(status, slug);
        }
        var ids = Enumerable.Range(0, 1001).Select(i => $"wo-{i}").ToArray();
        using var tooMany = await client.PostAsync(FetchUri, Http.JsonBody(JsonSerializer.Serialize(new { deviceId, checkpoint, table = "workorder", ids })));
        var problem = await tooMany.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == "ids");
    }
}
