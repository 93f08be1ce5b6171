using System.Net;
using System.Text.Json;
using FieldSync.Core.Security;
using FieldSync.Core.Telemetry;
using FieldSync.LocalHost.Hosting;
using FieldSync.Testing;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.EndToEnd.Tests;

/// <summary>The local host with Application Insights pointed at a local ingestion endpoint: the function app's own telemetry registration.</summary>
public sealed class TelemetryFixture : IAsyncLifetime
{
    // Its own Azurite: queue names are fixed, and a host on the assembly's shared Azurite would take the other hosts' messages.
    private FieldSync.LocalHost.Azurite.AzuriteProcess azurite = null!;
    private readonly RuntimeSettings runtime = new();

    public LocalAzureEndpoints Ingestion { get; } = new();

    public TestSigningKey Key { get; } = TestSigningKey.Create();

    public LocalFunctionHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        azurite = await FieldSync.LocalHost.Azurite.AzuriteProcess.StartAsync();
        Host = await FieldSyncTestHost.StartAsync(azurite.ConnectionString, Key, options =>
        {
            options.Settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = Ingestion.TelemetryConnectionString(Guid.NewGuid().ToString());
            options.ConfigureConfiguration = configuration => configuration.Add(runtime);
        });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await azurite.DisposeAsync();
        Ingestion.Dispose();
    }

    public HttpClient As(string user, params string[] roles)
    {
        var client = new HttpClient { BaseAddress = Host.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Key.Token(user, roles));
        return client;
    }

    /// <summary>Changes a setting at run time (as a changed app setting does) and lets options monitors see it.</summary>
    public void Set(string key, string value) => runtime.Change(key, value);

    public Task FlushAsync() => Host.Services.GetRequiredService<TelemetryClient>().FlushAsync(CancellationToken.None);

    /// <summary>Every envelope uploaded so far (gzip NDJSON decoded).</summary>
    public IReadOnlyList<JsonElement> Envelopes() => [.. Ingestion.Received
        .Where(r => r.PathAndQuery.StartsWith("/v2", StringComparison.Ordinal))
        .SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        .Select(line => JsonDocument.Parse(line).RootElement.Clone())];
}

/// <summary>
/// Sync telemetry through the real Application Insights SDK: a first sync, pushes that conflict under both conflict
/// detection settings and their application, with the D365 vocabulary and one operation_Id from push to evaluation.
/// </summary>
public sealed class TelemetryTests(TelemetryFixture telemetry) : IClassFixture<TelemetryFixture>
{
    private static string Dimension(JsonElement envelope, string name)
        => BaseData(envelope).TryGetProperty("properties", out var p) && p.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";

    private static double Measurement(JsonElement envelope, string name)
        => BaseData(envelope).TryGetProperty("measurements", out var m) && m.TryGetProperty(name, out var v) ? v.GetDouble() : double.NaN;

    private static JsonElement BaseData(JsonElement envelope) => envelope.GetProperty("data").GetProperty("baseData");

    private static string Tag(JsonElement envelope, string tag) => envelope.GetProperty("tags").TryGetProperty(tag, out var v) ? v.GetString() ?? "" : "";

    private static bool IsEvent(JsonElement envelope, string name)
        => envelope.GetProperty("data").GetProperty("baseType").GetString() == "EventData" && BaseData(envelope).GetProperty("name").GetString() == name;

    private async Task<List<JsonElement>> EventsAsync(string name, Func<JsonElement, bool> match, int atLeast = 1)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            await telemetry.FlushAsync();
            var found = telemetry.Envelopes().Where(e => IsEvent(e, name) && match(e)).ToList();
            if (found.Count >= atLeast)
            {
                return found;
            }
            await Task.Delay(500);
        }
        var seen = string.Join(", ", telemetry.Envelopes().Where(e => e.GetProperty("data").GetProperty("baseType").GetString() == "EventData").Select(e => BaseData(e).GetProperty("name").GetString()).Distinct());
        throw new Xunit.Sdk.XunitException($"no {name} event arrived that matched; events seen: {seen}");
    }

    private async Task<(string User, string Device, string WorkOrder, string Suffix)> TechnicianWithWorkOrderAsync()
    {
        using var dispatcher = telemetry.As("dispatcher1", Roles.Dispatcher);
        var (user, _, workOrder, suffix) = await FieldServiceData.TechnicianWithBookingAsync(dispatcher);
        return (user, "phone-" + suffix, workOrder, suffix);
    }

    private async Task DispatcherEditsAsync(string workOrder, long version, string text)
    {
        using var dispatcher = telemetry.As("dispatcher1", Roles.Dispatcher);
        using var request = Http.Patch($"api/records/workorder/{workOrder}", $$"""{ "instructions": "{{text}}" }""", $"\"{version}\"");
        using var response = await dispatcher.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> PushStaleAsync(HttpClient technician, string device, string batchId, long sequence, string workOrder)
    {
        var body = $$"""
            { "deviceId": "{{device}}", "batchId": "{{batchId}}", "sequence": {{sequence}}, "changes": [
              { "action": "update", "table": "workorder", "id": "{{workOrder}}", "baseVersion": 1, "values": { "instructions": "from the device" } } ] }
            """;
        using var push = await technician.PostAsync(new Uri("api/sync/push", UriKind.Relative), Http.JsonBody(body));
        Assert.Equal(HttpStatusCode.Accepted, push.StatusCode);
        return batchId;
    }

    [Fact]
    public async Task FirstSync_ReportsAPullScenarioInTheD365Vocabulary()
    {
        var (user, device, _, _) = await TechnicianWithWorkOrderAsync();
        using var technician = telemetry.As(user, Roles.Technician);
        technician.DefaultRequestHeaders.Add(TelemetryNames.SyncIdHeader, "sync-" + device);
        technician.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip");
        using var pull = await technician.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody($$"""{ "deviceId": "{{device}}" }"""));
        Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        Assert.Equal("sync-" + device, pull.Headers.GetValues(TelemetryNames.SyncIdHeader).Single());
        var wireBytes = (await pull.Content.ReadAsByteArrayAsync()).Length;

        var item = (await EventsAsync(TelemetryNames.Events.Pull, e => Dimension(e, TelemetryNames.Dimensions.DeviceInfoId) == device)).Single();
        Assert.Equal("ScenarioEnd", Dimension(item, TelemetryNames.Dimensions.EventName));
        Assert.Equal(TelemetryNames.ScenarioResults.Success, Dimension(item, TelemetryNames.Dimensions.ScenarioResult));
        Assert.Equal(TelemetryNames.DataSyncModes.FirstSync, Dimension(item, TelemetryNames.Dimensions.DataSyncMode));
        Assert.Equal("sync-" + device, Dimension(item, TelemetryNames.Dimensions.CurrentSyncId));
        Assert.Equal("field-service-mobile", Dimension(item, TelemetryNames.Dimensions.ProfileId));
        Assert.Equal(user, Tag(item, "ai.user.id"));
        Assert.True(Measurement(item, TelemetryNames.Measurements.RecordCount) >= 4);
        Assert.Equal(wireBytes, Measurement(item, TelemetryNames.Measurements.ResponseSize));
        Assert.True(Measurement(item, TelemetryNames.Measurements.StorageTransactions) > 0);
        Assert.True(Measurement(item, TelemetryNames.Measurements.DurationMs) > 0);
        // Information logs reach Application Insights (the SDK's Warning-only rule is removed).
        JsonElement? log = null;
        for (var attempt = 0; attempt < 40 && log is null; attempt++)
        {
            await telemetry.FlushAsync();
            log = telemetry.Envelopes().Where(e => e.GetProperty("data").GetProperty("baseType").GetString() == "MessageData"
                && BaseData(e).GetProperty("message").GetString()!.Contains($"Pull FIRST_SYNC by {user} on {device}", StringComparison.Ordinal)).Select(e => (JsonElement?)e).FirstOrDefault();
            if (log is null)
            {
                await Task.Delay(250);
            }
        }
        Assert.True(log is not null, "the pull's information log was not uploaded");
        Assert.Equal("Information", BaseData(log.Value).GetProperty("severityLevel").GetString());
        // Nothing a record holds is sent: the work order's name and the account are not in any uploaded item.
        Assert.DoesNotContain(telemetry.Envelopes(), e => e.GetRawText().Contains("Account " + device[6..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_WithoutToken_ReportsAnAuthFailure()
    {
        using var anonymous = new HttpClient { BaseAddress = telemetry.Host.BaseAddress };
        var syncId = "anon-" + Guid.NewGuid().ToString("N");
        anonymous.DefaultRequestHeaders.Add(TelemetryNames.SyncIdHeader, syncId);
        using var pull = await anonymous.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody("""{ "deviceId": "x" }"""));
        Assert.Equal(HttpStatusCode.Unauthorized, pull.StatusCode);
        var item = (await EventsAsync(TelemetryNames.Events.Pull, e => Dimension(e, TelemetryNames.Dimensions.CurrentSyncId) == syncId)).Single();
        Assert.Equal(TelemetryNames.ScenarioResults.Failure, Dimension(item, TelemetryNames.Dimensions.ScenarioResult));
        Assert.Equal(TelemetryNames.FailureTypes.AuthError, Dimension(item, TelemetryNames.Dimensions.FailureType));
        Assert.Equal("unauthenticated", Dimension(item, TelemetryNames.Dimensions.ErrorCode));
    }

    [Fact]
    public async Task ConflictingPushes_BothSettings_ShareOneOperationFromPushToEvaluation()
    {
        var (user, device, workOrder, _) = await TechnicianWithWorkOrderAsync();
        using var technician = telemetry.As(user, Roles.Technician);
        using (var pull = await technician.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody($$"""{ "deviceId": "{{device}}" }""")))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
        }

        // Detection off (the default): the device's stale change wins.
        await DispatcherEditsAsync(workOrder, 1, "from the dispatcher");
        var offBatch = await PushStaleAsync(technician, device, "b-off-" + device, 1, workOrder);
        var accepted = (await EventsAsync(TelemetryNames.Events.PushAccepted, e => Dimension(e, TelemetryNames.Dimensions.BatchId) == offBatch)).Single();
        var operation = Tag(accepted, "ai.operation.id");
        Assert.Matches("^[0-9a-f]{32}$", operation);
        Assert.Equal(1, Measurement(accepted, TelemetryNames.Measurements.ChangeCount));
        var applied = (await EventsAsync(TelemetryNames.Events.PushApplied, e => Dimension(e, TelemetryNames.Dimensions.BatchId) == offBatch)).Single();
        Assert.Equal(operation, Tag(applied, "ai.operation.id"));
        Assert.Equal(1, Measurement(applied, TelemetryNames.Measurements.Applied));
        Assert.Equal("false", Dimension(applied, TelemetryNames.Dimensions.ConflictDetection));
        Assert.True(Measurement(applied, TelemetryNames.Measurements.AcceptToAppliedMs) >= 0);
        var conflict = (await EventsAsync(TelemetryNames.Events.Conflict, e => Dimension(e, TelemetryNames.Dimensions.RecordId) == workOrder)).Single();
        Assert.Equal("DeviceWins", Dimension(conflict, TelemetryNames.Dimensions.Resolution));
        Assert.Equal("workorder", Dimension(conflict, TelemetryNames.Dimensions.EntityName));
        Assert.Equal(operation, Tag(conflict, "ai.operation.id"));
        // The applied change fans out and its scope is evaluated, all in the push's operation.
        await EventsAsync(TelemetryNames.Events.FanOut, e => Tag(e, "ai.operation.id") == operation);
        await EventsAsync(TelemetryNames.Events.ScopeEvaluation, e => Tag(e, "ai.operation.id") == operation);

        // Detection on (the environment default changed at run time): the server's record stays, a sync error is written.
        telemetry.Set("FieldSync:Sync:ConflictDetection", "true");
        try
        {
            await DispatcherEditsAsync(workOrder, 3, "the dispatcher again");
            var onBatch = await PushStaleAsync(technician, device, "b-on-" + device, 2, workOrder);
            var rejected = (await EventsAsync(TelemetryNames.Events.PushApplied, e => Dimension(e, TelemetryNames.Dimensions.BatchId) == onBatch)).Single();
            Assert.Equal(1, Measurement(rejected, TelemetryNames.Measurements.Rejected));
            Assert.Equal("true", Dimension(rejected, TelemetryNames.Dimensions.ConflictDetection));
            var serverWins = await EventsAsync(TelemetryNames.Events.Conflict, e => Dimension(e, TelemetryNames.Dimensions.RecordId) == workOrder && Dimension(e, TelemetryNames.Dimensions.Resolution) == "ServerWins");
            Assert.Equal(Tag(rejected, "ai.operation.id"), Tag(serverWins.Single(), "ai.operation.id"));
            var error = (await EventsAsync(TelemetryNames.Events.SyncError, e => Dimension(e, TelemetryNames.Dimensions.DeviceInfoId) == device)).Single();
            Assert.Equal("Conflict", Dimension(error, TelemetryNames.Dimensions.SyncErrorType));
        }
        finally
        {
            telemetry.Set("FieldSync:Sync:ConflictDetection", "false");
        }

        // Metrics are pre-aggregated and uploaded on flush, never sampled.
        await telemetry.FlushAsync();
        var metrics = telemetry.Envelopes().Where(e => e.GetProperty("data").GetProperty("baseType").GetString() == "MetricData")
            .SelectMany(e => BaseData(e).GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString())).ToHashSet();
        Assert.Contains(TelemetryNames.Metrics.Pulls, metrics);
        Assert.Contains(TelemetryNames.Metrics.Conflicts, metrics);
        Assert.Contains(TelemetryNames.Metrics.PushAcceptToApplied, metrics);
        Assert.Subset(TelemetryNames.Metrics.All.ToHashSet(), metrics.Where(m => m!.StartsWith("FieldSync.", StringComparison.Ordinal)).ToHashSet()!);
    }

    [Fact]
    public async Task DispatcherWrite_AndItsFanOut_ShareOneOperation()
    {
        var (user, device, workOrder, _) = await TechnicianWithWorkOrderAsync();
        using (var technician = telemetry.As(user, Roles.Technician))
        using (var pull = await technician.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody($$"""{ "deviceId": "{{device}}" }""")))
        {
            Assert.Equal(HttpStatusCode.OK, pull.StatusCode); // the technician's scope exists: the edit reaches it
        }
        await DispatcherEditsAsync(workOrder, 1, "dispatcher edit");
        var write = (await EventsAsync(TelemetryNames.Events.RecordWrite,
            e => Dimension(e, TelemetryNames.Dimensions.RecordId) == workOrder && Dimension(e, TelemetryNames.Dimensions.Operation) == "update")).Single();
        Assert.Equal("workorder", Dimension(write, TelemetryNames.Dimensions.EntityName));
        Assert.Equal("dispatcher1", Tag(write, "ai.user.id"));
        var operation = Tag(write, "ai.operation.id");
        Assert.Matches("^[0-9a-f]{32}$", operation);
        await EventsAsync(TelemetryNames.Events.FanOut, e => Tag(e, "ai.operation.id") == operation && Dimension(e, TelemetryNames.Dimensions.RecordId) == workOrder);
        await EventsAsync(TelemetryNames.Events.ScopeEvaluation, e => Tag(e, "ai.operation.id") == operation);
        Assert.DoesNotContain(telemetry.Envelopes(), e => e.GetRawText().Contains("dispatcher edit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnlineReads_AreReportedWithTheirPlanRowsAndCost_AndARefusalWithItsFailureType()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        using var refusedTech = telemetry.As("online-refused-" + suffix, Roles.Technician);
        using (var refused = await refusedTech.GetAsync(new Uri("api/online/contact", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode); // the default profile does not allow online mode
        }
        var failure = (await EventsAsync(TelemetryNames.Events.OnlineRead, e => Tag(e, "ai.user.id") == "online-refused-" + suffix)).Single();
        Assert.Equal(TelemetryNames.ScenarioResults.Failure, Dimension(failure, TelemetryNames.Dimensions.ScenarioResult));
        Assert.Equal("forbidden", Dimension(failure, TelemetryNames.Dimensions.ErrorCode));
        Assert.Equal(TelemetryNames.FailureTypes.AccessError, Dimension(failure, TelemetryNames.Dimensions.FailureType));
        Assert.Equal("contact", Dimension(failure, TelemetryNames.Dimensions.EntityName));

        var profile = "online-telemetry-" + suffix;
        var user = "online-tech-" + suffix;
        using (var admin = telemetry.As("admin-" + suffix, Roles.Admin))
        {
            using var put = await admin.PutAsync(new Uri("api/admin/profiles/" + profile, UriKind.Relative), Http.JsonBody($$"""
                { "id": "{{profile}}", "name": "Online telemetry", "settings": { "allowOnlineMode": true, "onlineTables": ["contact"] },
                  "tables": { "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource", "syncIntervalMinutes": 5 } } }
                """));
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
            using var assign = await admin.PutAsync(new Uri("api/admin/assignments/" + user, UriKind.Relative), Http.JsonBody($$"""{ "profileId": "{{profile}}" }"""));
            Assert.True(assign.StatusCode == HttpStatusCode.OK, await assign.Content.ReadAsStringAsync());
        }
        using (var dispatcher = telemetry.As("dispatcher1", Roles.Dispatcher))
        {
            foreach (var i in Enumerable.Range(0, 3))
            {
                using var created = await dispatcher.PostAsync(new Uri("api/records/contact", UriKind.Relative),
                    Http.JsonBody($$"""{ "id": "ot-{{suffix}}-{{i}}", "fullname": "Online {{i}}", "lastname": "Telemetry" }"""));
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
        }
        using var tech = telemetry.As(user, Roles.Technician);
        using (var page = await tech.GetAsync(new Uri("api/online/contact?$top=2", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        var read = (await EventsAsync(TelemetryNames.Events.OnlineRead, e => Tag(e, "ai.user.id") == user)).Single();
        Assert.Equal(TelemetryNames.ScenarioResults.Success, Dimension(read, TelemetryNames.Dimensions.ScenarioResult));
        Assert.Equal("ScenarioEnd", Dimension(read, TelemetryNames.Dimensions.EventName));
        Assert.Equal(nameof(FieldSync.Core.Online.OnlinePlanKind.Scan), Dimension(read, TelemetryNames.Dimensions.OnlinePlan));
        Assert.Equal("contact", Dimension(read, TelemetryNames.Dimensions.EntityName));
        Assert.Equal(2, Measurement(read, TelemetryNames.Measurements.RecordCount)); // $top=2 of at least 3 contacts
        Assert.True(Measurement(read, TelemetryNames.Measurements.RowsExamined) >= 2);
        Assert.InRange(Measurement(read, TelemetryNames.Measurements.StorageTransactions), 1, 4); // a scan page: at most 2 requests, plus the profile
        Assert.Equal("true", Dimension(read, TelemetryNames.Dimensions.HasMore));
    }

    [Fact]
    public async Task FullDeltaSync_VerifyAndFetch_AreReportedWithWhatTheyListedAndCost_AndARefusalWithItsFailureType()
    {
        var (user, device, workOrder, _) = await TechnicianWithWorkOrderAsync();
        using var technician = telemetry.As(user, Roles.Technician);
        using var pull = await technician.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody($$"""{ "deviceId": "{{device}}" }"""));
        var checkpoint = (await pull.JsonAsync()).GetProperty("checkpoint").GetString();

        // The device lost its work order and says so with an empty held-rows filter: the verify lists it and sends it whole.
        using (var verify = await technician.PostAsync(new Uri("api/sync/verify", UriKind.Relative), Http.JsonBody($$"""
            { "deviceId": "{{device}}", "checkpoint": "{{checkpoint}}", "tables": { "workorder": { "count": 0, "checksum": "0000000000000000", "heldRows": "AA==" } } }
            """)))
        {
            Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        }
        using (var fetch = await technician.PostAsync(new Uri("api/sync/fetch", UriKind.Relative), Http.JsonBody($$"""
            { "deviceId": "{{device}}", "checkpoint": "{{checkpoint}}", "table": "workorder", "ids": ["{{workOrder}}", "wo-nobody-{{device}}"] }
            """)))
        {
            Assert.Equal(HttpStatusCode.OK, fetch.StatusCode);
        }
        using (var refused = await technician.PostAsync(new Uri("api/sync/verify", UriKind.Relative), Http.JsonBody($$"""
            { "deviceId": "{{device}}", "checkpoint": "not-a-checkpoint", "tables": { } }
            """)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        var events = await EventsAsync(TelemetryNames.Events.FullDeltaSync, e => Tag(e, "ai.user.id") == user, atLeast: 3);
        var verified = Assert.Single(events, e => Dimension(e, TelemetryNames.Dimensions.Operation) == "verify" && Dimension(e, TelemetryNames.Dimensions.ScenarioResult) == TelemetryNames.ScenarioResults.Success);
        Assert.Equal("ScenarioEnd", Dimension(verified, TelemetryNames.Dimensions.EventName));
        Assert.Equal(device, Dimension(verified, TelemetryNames.Dimensions.DeviceInfoId));
        Assert.Equal("false", Dimension(verified, TelemetryNames.Dimensions.HasMore));
        Assert.True(Measurement(verified, TelemetryNames.Measurements.TablesListed) >= 1); // the work order's table, and the booking's (not reported)
        Assert.True(Measurement(verified, TelemetryNames.Measurements.RowsListed) >= 2);
        Assert.Equal(1, Measurement(verified, TelemetryNames.Measurements.RecordCount)); // the work order, sent whole
        Assert.InRange(Measurement(verified, TelemetryNames.Measurements.StorageTransactions), 2, 20);
        var fetched = Assert.Single(events, e => Dimension(e, TelemetryNames.Dimensions.Operation) == "fetch");
        Assert.Equal("workorder", Dimension(fetched, TelemetryNames.Dimensions.EntityName));
        Assert.Equal(1, Measurement(fetched, TelemetryNames.Measurements.RecordCount));
        Assert.Equal(1, Measurement(fetched, TelemetryNames.Measurements.RemovalCount)); // the id nobody has is gone
        var failure = Assert.Single(events, e => Dimension(e, TelemetryNames.Dimensions.ScenarioResult) == TelemetryNames.ScenarioResults.Failure);
        Assert.Equal("verify", Dimension(failure, TelemetryNames.Dimensions.Operation));
        Assert.Equal("invalid-checkpoint", Dimension(failure, TelemetryNames.Dimensions.ErrorCode));
        Assert.NotNull(Dimension(failure, TelemetryNames.Dimensions.FailureType));
    }

    [Fact]
    public async Task TelemetryOff_AtRunTime_NothingIsUploaded()
    {
        var (user, device, _, _) = await TechnicianWithWorkOrderAsync();
        using var technician = telemetry.As(user, Roles.Technician);
        telemetry.Set(TelemetryNames.EnabledSetting, "false");
        try
        {
            await telemetry.FlushAsync();
            await Task.Delay(1000);
            var before = telemetry.Ingestion.Received.Count;
            using (var pull = await technician.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody($$"""{ "deviceId": "{{device}}" }""")))
            {
                Assert.Equal(HttpStatusCode.OK, pull.StatusCode);
            }
            await telemetry.FlushAsync();
            await Task.Delay(2000);
            Assert.DoesNotContain(telemetry.Envelopes(), e => IsEvent(e, TelemetryNames.Events.Pull) && Dimension(e, TelemetryNames.Dimensions.DeviceInfoId) == device);
            Assert.Equal(before, telemetry.Ingestion.Received.Count);
        }
        finally
        {
            telemetry.Set(TelemetryNames.EnabledSetting, "true");
        }
        // On again: the next pull is reported.
        using (var again = await technician.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody($$"""{ "deviceId": "{{device}}" }""")))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }
        await EventsAsync(TelemetryNames.Events.Pull, e => Dimension(e, TelemetryNames.Dimensions.DeviceInfoId) == device);
    }
}
