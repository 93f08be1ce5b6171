using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FieldSync.Core.Security;

namespace FieldSync.EndToEnd.Tests;

/// <summary>Pull and the offline record endpoint over HTTP on the local host (queue triggers running for real).</summary>
[Collection(ApiGroup.Name)]
public class SyncApiTests(ApiFixture api)
{
    private async Task<(string User, string Booking, string WorkOrder)> TechnicianWithBookingAsync()
    {
        using var dispatcher = api.Dispatcher();
        var (user, booking, workOrder, _) = await FieldServiceData.TechnicianWithBookingAsync(dispatcher);
        return (user, booking, workOrder);
    }

    private static StringContent PullBody(string deviceId, string? checkpoint = null, string extra = "")
        => Http.JsonBody($$"""{ "deviceId": "{{deviceId}}", "checkpoint": {{(checkpoint is null ? "null" : JsonSerializer.Serialize(checkpoint))}} {{extra}} }""");

    [Fact]
    public async Task Pull_FirstSyncWithGzip_DeliversTheTechniciansBookingAndWorkOrder()
    {
        var (user, booking, workOrder) = await TechnicianWithBookingAsync();
        using var client = api.As(user, Roles.Technician);
        client.DefaultRequestHeaders.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody("phone-" + user));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("gzip", response.Content.Headers.ContentEncoding);
        await using var stream = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        var body = (await JsonDocument.ParseAsync(stream)).RootElement;

        Assert.Equal("FIRST_SYNC", body.GetProperty("syncMode").GetString());
        var bookings = body.GetProperty("changes").GetProperty("bookableresourcebooking").GetProperty("upserts");
        Assert.Contains(bookings.EnumerateArray(), b => b.GetProperty("id").GetString() == booking);
        Assert.Contains(body.GetProperty("changes").GetProperty("workorder").GetProperty("upserts").EnumerateArray(), w => w.GetProperty("id").GetString() == workOrder);
        Assert.Equal("field-service-mobile", body.GetProperty("profile").GetProperty("id").GetString());
        Assert.False(body.GetProperty("profile").GetProperty("settings").GetProperty("conflictDetection").GetBoolean());
        Assert.True(body.GetProperty("tables").GetProperty("workorder").TryGetProperty("checksum", out _));
    }

    [Fact]
    public async Task Pull_Brotli_IsHonoured()
    {
        var (user, _, _) = await TechnicianWithBookingAsync();
        using var client = api.As(user, Roles.Technician);
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip;q=0.5, br");
        using var response = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody("phone-" + user));
        Assert.Contains("br", response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Pull_NothingNew_IsSmall()
    {
        var (user, _, _) = await TechnicianWithBookingAsync();
        using var client = api.As(user, Roles.Technician);
        using var first = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody("phone-" + user));
        var checkpoint = (await first.JsonAsync()).GetProperty("checkpoint").GetString();
        using var idle = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody("phone-" + user, checkpoint));
        var body = await idle.JsonAsync();
        Assert.Equal("DELTA_SYNC", body.GetProperty("syncMode").GetString());
        Assert.Empty(body.GetProperty("changes").EnumerateObject());
    }

    [Fact]
    public async Task GetOfflineRecord_HeldAndNotHeld_ReturnsRecordOrRecordNotFound()
    {
        var (user, booking, _) = await TechnicianWithBookingAsync();
        using var client = api.As(user, Roles.Technician);
        using var pull = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody("phone-" + user));
        Assert.Equal(HttpStatusCode.OK, pull.StatusCode);

        using var held = await client.GetAsync(new Uri($"api/sync/records/bookableresourcebooking/{booking}?deviceId=phone-{user}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        using var other = await client.GetAsync(new Uri($"api/sync/records/bookableresourcebooking/someone-elses?deviceId=phone-{user}", UriKind.Relative));
        var problem = await other.AssertProblemAsync(HttpStatusCode.NotFound, "record-not-found");
        Assert.Equal("Record Not Found", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task BookingCompleted_QueueTriggersRemoveItFromTheDevice_ThenRecordNotFound()
    {
        var (user, booking, workOrder) = await TechnicianWithBookingAsync();
        using (var dispatcher = api.Dispatcher())
        using (var completed = await dispatcher.PostAsync(new Uri("api/records/bookingstatus", UriKind.Relative),
            Http.JsonBody("""{ "id": "bookingstatus-completed", "name": "Completed" }""")))
        {
            Assert.True(completed.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        }
        using var client = api.As(user, Roles.Technician);
        var device = "phone-" + user;
        using var first = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody(device));
        var checkpoint = (await first.JsonAsync()).GetProperty("checkpoint").GetString();

        using (var dispatcher = api.Dispatcher())
        using (var patch = await dispatcher.SendAsync(Http.Patch($"api/records/bookableresourcebooking/{booking}", """{ "bookingstatus": "bookingstatus-completed" }""", "*")))
        {
            Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        }

        // The local host's queue listeners fan the write out; a forced pull shows the removal once they have.
        var removed = new List<string>();
        for (var attempt = 0; attempt < 60 && !removed.Contains(booking); attempt++)
        {
            await Task.Delay(500);
            using var pull = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody(device, checkpoint, ", \"force\": true"));
            var body = await pull.JsonAsync();
            checkpoint = body.GetProperty("checkpoint").GetString();
            foreach (var table in body.GetProperty("changes").EnumerateObject())
            {
                removed.AddRange(table.Value.GetProperty("removes").EnumerateArray().Select(r => r.GetString()!));
            }
        }
        Assert.Contains(booking, removed);
        Assert.Contains(workOrder, removed);
        using var gone = await client.GetAsync(new Uri($"api/sync/records/bookableresourcebooking/{booking}?deviceId={device}", UriKind.Relative));
        await gone.AssertProblemAsync(HttpStatusCode.NotFound, "record-not-found");
    }

    [Fact]
    public async Task Push_OverHttp_Returns202ReceiptAndTheQueueAppliesIt()
    {
        var (user, _, workOrder) = await TechnicianWithBookingAsync();
        using var client = api.As(user, Roles.Technician);
        var device = "phone-" + user;
        string checkpoint;
        using (var pull = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody(device)))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
            checkpoint = (await pull.JsonAsync()).GetProperty("checkpoint").GetString()!;
        }
        var body = $$"""
            { "deviceId": "{{device}}", "batchId": "batch-1", "sequence": 1, "changes": [
              { "action": "update", "table": "workorder", "id": "{{workOrder}}", "baseVersion": 1,
                "values": { "name": "WO fixed on site", "serviceaccount": "acc-{{user[5..]}}", "instructions": "Replaced the valve" } } ] }
            """;
        using var push = await client.PostAsync(new Uri("api/sync/push", UriKind.Relative), Http.JsonBody(body));
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        var receipt = await push.JsonAsync();
        Assert.Equal("accepted", receipt.GetProperty("status").GetString());

        using (var again = await client.PostAsync(new Uri("api/sync/push", UriKind.Relative), Http.JsonBody(body)))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            Assert.Equal(1, (await again.JsonAsync()).GetProperty("sequence").GetInt64());
        }

        string? status = null;
        for (var attempt = 0; attempt < 60 && status != "completed"; attempt++)
        {
            await Task.Delay(500);
            using var get = await client.GetAsync(new Uri($"api/sync/push/batch-1?deviceId={device}", UriKind.Relative));
            var current = await get.JsonAsync();
            status = current.GetProperty("status").GetString();
            if (status == "completed")
            {
                Assert.Equal("applied", current.GetProperty("outcomes")[0].GetProperty("status").GetString());
                Assert.Equal(2, current.GetProperty("outcomes")[0].GetProperty("version").GetInt64());
            }
        }
        Assert.Equal("completed", status);
        using var record = await api.Dispatcher().GetAsync(new Uri($"api/records/workorder/{workOrder}", UriKind.Relative));
        Assert.Equal("Replaced the valve", (await record.JsonAsync()).GetProperty("instructions").GetString());

        // The host's queue triggers fan the applied batch out; the device's next pull brings the new version back,
        // with the batch's outcomes.
        JsonElement? delivered = null;
        var outcomesSeen = false;
        for (var attempt = 0; attempt < 60 && delivered is null; attempt++)
        {
            using var pull = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody(device, checkpoint, """, "force": true, "pushedSequence": 1"""));
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
            var result = await pull.JsonAsync();
            checkpoint = result.GetProperty("checkpoint").GetString()!;
            outcomesSeen |= result.TryGetProperty("pushOutcomes", out var outcomes) && outcomes.ValueKind == JsonValueKind.Array && outcomes.GetArrayLength() > 0;
            if (result.GetProperty("changes").TryGetProperty("workorder", out var workOrders))
            {
                delivered = workOrders.GetProperty("upserts").EnumerateArray().Where(w => w.GetProperty("id").GetString() == workOrder).Select(w => (JsonElement?)w).FirstOrDefault();
            }
            if (delivered is null)
            {
                await Task.Delay(500);
            }
        }
        Assert.NotNull(delivered);
        Assert.Equal(2, delivered.Value.GetProperty("version").GetInt64());
        Assert.Equal("Replaced the valve", delivered.Value.GetProperty("instructions").GetString());
        Assert.True(outcomesSeen, "the pull after the push carried no pushOutcomes");
    }

    private static string PushBody(string device, string batchId, long sequence, string workOrder, string instructions) => $$"""
        { "deviceId": "{{device}}", "batchId": "{{batchId}}", "sequence": {{sequence}}, "changes": [
          { "action": "update", "table": "workorder", "id": "{{workOrder}}", "baseVersion": 1, "values": { "instructions": "{{instructions}}" } } ] }
        """;

    [Fact]
    public async Task Push_BatchIdReusedWithOtherContent_Returns409_TheTrueDuplicate202()
    {
        var (user, _, workOrder) = await TechnicianWithBookingAsync();
        using var client = api.As(user, Roles.Technician);
        var device = "phone-" + user;
        using (var pull = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody(device)))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        }
        using (var first = await client.PostAsync(new Uri("api/sync/push", UriKind.Relative), Http.JsonBody(PushBody(device, "batch-1", 1, workOrder, "first"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }
        using (var reused = await client.PostAsync(new Uri("api/sync/push", UriKind.Relative), Http.JsonBody(PushBody(device, "batch-1", 1, workOrder, "second"))))
        {
            await reused.AssertProblemAsync(HttpStatusCode.Conflict, "batch-id-reused");
        }
        using var again = await client.PostAsync(new Uri("api/sync/push", UriKind.Relative), Http.JsonBody(PushBody(device, "batch-1", 1, workOrder, "first")));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("batch-1", (await again.JsonAsync()).GetProperty("batchId").GetString());
    }

    [Fact]
    public async Task Push_200ParallelPushesFromOneDevice_EndInSuccessOrAProblemToActOn_Never500()
    {
        var (user, _, workOrder) = await TechnicianWithBookingAsync();
        using var client = api.As(user, Roles.Technician);
        var device = "phone-" + user;
        using (var pull = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody(device)))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        }
        var answers = await Task.WhenAll(Enumerable.Range(1, 200).Select(async i =>
        {
            using var response = await client.PostAsync(new Uri("api/sync/push", UriKind.Relative), Http.JsonBody(PushBody(device, $"batch-{i}", i, workOrder, $"push {i}")));
            var text = await response.Content.ReadAsStringAsync();
            var type = response.StatusCode == HttpStatusCode.Accepted ? "" : JsonDocument.Parse(text).RootElement.GetProperty("type").GetString();
            return (Status: (int)response.StatusCode, Type: type, RetryAfter: response.Headers.RetryAfter is not null, Text: text);
        }));

        Assert.Contains(answers, a => a.Status == 202);
        foreach (var answer in answers)
        {
            // Accepted; a later batch of the device got in first (the device must number batches in order); or busy: retry later.
            Assert.True(answer.Status == 202
                || (answer.Status == 409 && answer.Type == "urn:fieldsync:problem:sequence-not-increasing")
                || (answer.Status is 409 or 503 && answer.RetryAfter),
                $"{answer.Status} {answer.Text}");
        }
    }

    [Theory]
    [InlineData("""{ "deviceId": "push-device", "batchId": "b1", "sequence": 1, "changes": [] }""", "changes")]
    [InlineData("""{ "deviceId": "push-device", "batchId": "b1", "changes": [ { "action": "update", "table": "workorder", "id": "x", "baseVersion": 1, "values": {} } ] }""", "sequence")]
    [InlineData("""{ "deviceId": "push-device", "batchId": "b/1", "sequence": 1, "changes": [ { "action": "update", "table": "workorder", "id": "x", "baseVersion": 1, "values": {} } ] }""", "batchId")]
    [InlineData("""{ "deviceId": "push-device", "batchId": "b1", "sequence": 1, "changes": [ { "action": "upsert", "table": "workorder", "id": "x" } ] }""", "changes[0].action")]
    [InlineData("""{ "deviceId": "push-device", "batchId": "b1", "sequence": 1, "changes": [ { "action": "update", "table": "workorder", "id": "x", "baseVersion": 1, "values": {}, "extra": 1 } ] }""", "changes[0].extra")]
    [InlineData("""{ "deviceId": "push-device", "batchId": "b1", "sequence": 1, "changes": [ { "action": "update", "table": "spaceship", "id": "x", "baseVersion": 1, "values": {} } ] }""", "changes[0]")]
    public async Task Push_BadBatch_Returns400NamingTheField(string body, string field)
    {
        using var client = api.As("tech-push-validation", Roles.Technician);
        using var response = await client.PostAsync(new Uri("api/sync/push", UriKind.Relative), Http.JsonBody(body));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString()!.StartsWith(field, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_DeviceOfAnotherTechnician_Returns403()
    {
        var (user, _, _) = await TechnicianWithBookingAsync();
        using var owner = api.As(user, Roles.Technician);
        using var first = await owner.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody("phone-" + user));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using var thief = api.As("tech-mallory", Roles.Technician);
        using var response = await thief.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody("phone-" + user));
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("""{ "checkpoint": null }""", "validation")]
    [InlineData("""{ "deviceId": "a/b" }""", "validation")]
    [InlineData("""{ "deviceId": "d1", "pageSize": 0 }""", "validation")]
    [InlineData("""{ "deviceId": "d1", "pageSize": "ten" }""", "validation")]
    [InlineData("""{ "deviceId": "d1", "tables": ["spaceship"] }""", "validation")]
    [InlineData("""{ "deviceId": "d1", "since": "2026-01-01" }""", "validation")]
    [InlineData("""{ "deviceId": "d1", "checkpoint": "forged" }""", "invalid-checkpoint")]
    public async Task Pull_BadRequest_Returns400(string body, string slug)
    {
        using var client = api.As("tech-validation", Roles.Technician);
        using var response = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody(body));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, slug);
    }

    [Fact]
    public async Task Pull_DispatcherRole_Returns403()
    {
        using var response = await api.Dispatcher().PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody("d1"));
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task AdminProfiles_InvalidProfile_Returns400ListingEveryProblem()
    {
        using var admin = api.As("admin1", Roles.Admin);
        using var response = await admin.PutAsync(new Uri("api/admin/profiles/broken", UriKind.Relative), Http.JsonBody("""
            { "id": "broken", "name": "Broken", "tables": {
              "workorder": { "download": "filter", "filter": "nosuchcolumn eq 1", "syncIntervalMinutes": 1 },
              "spaceship": { "download": "all", "syncIntervalMinutes": 60 } } }
            """));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-profile");
        Assert.True(problem.GetProperty("errors").GetArrayLength() >= 3);
        using var get = await admin.GetAsync(new Uri("api/admin/profiles/broken", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task AdminProfiles_SaveAssignAndPull_UsesTheAssignedProfile()
    {
        var (user, booking, _) = await TechnicianWithBookingAsync();
        using var admin = api.As("admin1", Roles.Admin);
        using var put = await admin.PutAsync(new Uri("api/admin/profiles/bookings-only", UriKind.Relative), Http.JsonBody("""
            { "id": "bookings-only", "name": "Bookings only", "tables": {
              "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource", "syncIntervalMinutes": 5 } } }
            """));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var assign = await admin.PutAsync(new Uri($"api/admin/assignments/{user}", UriKind.Relative), Http.JsonBody("""{ "profileId": "bookings-only" }"""));
        Assert.Equal(HttpStatusCode.OK, assign.StatusCode);

        using var client = api.As(user, Roles.Technician);
        using var pull = await client.PostAsync(new Uri("api/sync/pull", UriKind.Relative), PullBody("phone-" + user));
        var body = await pull.JsonAsync();
        Assert.Equal("bookings-only", body.GetProperty("profile").GetProperty("id").GetString());
        Assert.Equal([booking], body.GetProperty("changes").GetProperty("bookableresourcebooking").GetProperty("upserts").EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        Assert.False(body.GetProperty("changes").TryGetProperty("workorder", out _));

        using var list = await admin.GetAsync(new Uri("api/admin/profiles", UriKind.Relative));
        var ids = (await list.JsonAsync()).GetProperty("value").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Contains("bookings-only", ids);
        Assert.Contains("field-service-mobile", ids);
    }
}
