using System.Text.Json;
using FieldSync.Core.Profiles;
using FieldSync.Core.Push;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Sync;
using FieldSync.Core.SyncErrors;
using Microsoft.Extensions.DependencyInjection;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>Push, ordered application, the seed's conflict settings and sync errors, on Azurite.</summary>
public partial class PushTests
{
    private static readonly DateTimeOffset Today9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);

    /// <summary>tech1 has wo-1 (versions and times known) on their device.</summary>
    private static async Task<SyncHarness> WorldAsync(bool conflictDetection = false, bool environmentDefault = false)
    {
        var h = await SyncHarness.StartAsync(Today9, settings: new Dictionary<string, string?> { ["FieldSync:Sync:ConflictDetection"] = environmentDefault ? "true" : "false" });
        await SeedAsync(h);
        await h.CreateAsync("workorder", "wo-1", ("name", "WO-1"), ("serviceaccount", "account-1"), ("starttime", Start), ("endtime", Start.AddHours(2)));
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(4));
        await BookingAsync(h, "booking-2", "resource-tech2", null, Today9.AddHours(4));
        if (conflictDetection)
        {
            var schema = h.Services.GetService<SchemaCatalog>()!;
            var json = DefaultProfiles.FieldServiceMobileJson().Replace("\"id\": \"field-service-mobile\"", "\"id\": \"strict\"", StringComparison.Ordinal)
                .Replace("\"settings\": {", "\"settings\": { \"conflictDetection\": true,", StringComparison.Ordinal);
            var profile = ProfileParser.Parse(json, schema);
            Assert.True(profile.Settings.ConflictDetection);
            await h.Services.GetService<IProfileStore>()!.SaveAsync(profile, CancellationToken.None);
            await h.Services.GetService<IProfileStore>()!.AssignAsync("tech1", "strict", CancellationToken.None);
        }
        await Device(h, "tech1").SyncAsync();
        await Device(h, "tech2").SyncAsync();
        return h;
    }

    private static PushService Pushes(SyncHarness h) => h.Services.GetService<PushService>()!;

    private static PushChange Change(ChangeAction action, string table, string id, long? baseVersion, string? values = null)
        => new() { Action = action, Table = table, Id = id, BaseVersion = baseVersion, Values = values is null ? null : JsonDocument.Parse(values).RootElement.Clone() };

    private static async Task<InboxBatch> PushAsync(SyncHarness h, string user, string batchId, long sequence, params PushChange[] changes)
    {
        var outcome = await Pushes(h).PushAsync(user, new PushRequest("device-" + user, batchId, sequence, changes), CancellationToken.None);
        Assert.True(outcome.Failure == PushFailure.None, $"{outcome.Failure}: {outcome.Detail} {string.Join("; ", outcome.Errors?.Select(e => e.Field + ": " + e.Message) ?? [])}");
        return outcome.Batch!;
    }

    private static async Task<InboxBatch> ReceiptAsync(SyncHarness h, string user, string batchId)
        => (await h.Services.GetService<IInbox>()!.GetBatchAsync("device-" + user, batchId, CancellationToken.None))!;

    private static async Task<Record> ServerAsync(SyncHarness h, string table, string id)
        => (await h.Records.GetAsync(table, id, CancellationToken.None)).Record!;

    /// <summary>The write the applier makes for a change (its change id in the record's history), as if it then died.</summary>
    private static async Task WriteAsTheApplierAsync(SyncHarness h, string table, string id, Dictionary<string, object?> values, string changeId)
    {
        var store = h.Services.GetService<IRecordStore>()!;
        var current = (await store.GetAsync(table, id, CancellationToken.None))!;
        var next = h.Records.PrepareUpdate(current.Record, values, "tech1", changeId).Record!;
        Assert.True((await store.TryReplaceAsync(next, current, CancellationToken.None)).Written);
    }

    /// <summary>The device sends the row as it holds it: the technician moved Start Time; End Time is what it had.</summary>
    private static string TechnicianRow(DateTimeOffset start) => $$"""{ "name": "WO-1", "serviceaccount": "account-1", "starttime": "{{start:yyyy-MM-ddTHH:mm:ssZ}}", "endtime": "{{Start.AddHours(2):yyyy-MM-ddTHH:mm:ssZ}}" }""";

    [Fact]
    public async Task SeedScenario_ConflictDetectionNo_TechnicianWinsAndOverwritesTheDispatcher()
    {
        await using var h = await WorldAsync();
        await h.UpdateAsync("workorder", "wo-1", ("endtime", Start.AddHours(5))); // the dispatcher moves End Time: version 2

        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))));
        await h.DrainAsync();

        var receipt = await ReceiptAsync(h, "tech1", "batch-1");
        Assert.Equal(BatchStatus.Completed, receipt.Status);
        Assert.Equal(ChangeStatus.Applied, Assert.Single(receipt.Outcomes).Status);
        var record = await ServerAsync(h, "workorder", "wo-1");
        Assert.Equal(3, record.Version);
        Assert.Equal(Start.AddHours(1), record.Values["starttime"]);
        Assert.Equal(Start.AddHours(2), record.Values["endtime"]); // the whole record won: the dispatcher's End Time was overwritten
        Assert.Equal("tech1", record.ModifiedBy);
    }

    [Fact]
    public async Task SeedScenario_ConflictDetectionYes_DispatcherWinsAndTechnicianSeesSyncError()
    {
        await using var h = await WorldAsync(conflictDetection: true);
        await h.UpdateAsync("workorder", "wo-1", ("endtime", Start.AddHours(5)));

        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))));
        await h.DrainAsync();

        var outcome = Assert.Single((await ReceiptAsync(h, "tech1", "batch-1")).Outcomes);
        Assert.Equal(ChangeStatus.Rejected, outcome.Status);
        Assert.Equal("Conflict", outcome.Reason);
        Assert.Equal(2, outcome.Current!.Value.GetProperty("version").GetInt64());
        var record = await ServerAsync(h, "workorder", "wo-1");
        Assert.Equal(2, record.Version);
        Assert.Equal(Start, record.Values["starttime"]);
        Assert.Equal(Start.AddHours(5), record.Values["endtime"]);

        var error = await h.Services.GetService<ISyncErrorStore>()!.GetAsync(outcome.SyncErrorId!, CancellationToken.None);
        Assert.NotNull(error);
        Assert.Equal(SyncErrorType.Conflict, error.Type);
        Assert.Equal("tech1", error.UserId);
        Assert.Equal("device-tech1", error.DeviceId);
        Assert.Equal("workorder", error.Table);
        Assert.Equal("wo-1", error.RecordId);
        Assert.Equal("update", error.Action);
        Assert.Contains("starttime", error.DeviceData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outcomes_ReachTheDeviceWithItsNextPull_Once()
    {
        await using var h = await WorldAsync(conflictDetection: true);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        await h.UpdateAsync("workorder", "wo-1", ("endtime", Start.AddHours(5)));
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))));
        await h.DrainAsync();

        var pull = await h.Pulls.PullAsync("tech1", new PullRequest("device-tech1", device.Checkpoint, null, false, 1000, PushedSequence: 1), CancellationToken.None);
        var batch = Assert.Single(pull.Result!.PushOutcomes);
        Assert.Equal("batch-1", batch.BatchId);
        Assert.Equal(ChangeStatus.Rejected, Assert.Single(batch.Outcomes).Status);
        var next = await h.Pulls.PullAsync("tech1", new PullRequest("device-tech1", pull.Result.Checkpoint, null, false, 1000, PushedSequence: 1), CancellationToken.None);
        Assert.Empty(next.Result!.PushOutcomes);
    }

    [Fact]
    public async Task EnvironmentDefaultYes_ProfileSilent_DispatcherWins()
    {
        await using var h = await WorldAsync(environmentDefault: true);
        await h.UpdateAsync("workorder", "wo-1", ("endtime", Start.AddHours(5)));
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))));
        await h.DrainAsync();
        Assert.Equal("Conflict", Assert.Single((await ReceiptAsync(h, "tech1", "batch-1")).Outcomes).Reason);
    }

    [Fact]
    public async Task ConflictDetectionYes_NoConcurrentEdit_IsApplied()
    {
        await using var h = await WorldAsync(conflictDetection: true);
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))));
        await h.DrainAsync();
        Assert.Equal(ChangeStatus.Applied, Assert.Single((await ReceiptAsync(h, "tech1", "batch-1")).Outcomes).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UpdateOfRecordDeletedOnServer_IsRejectedAsRecordNotFound(bool conflictDetection)
    {
        await using var h = await WorldAsync(conflictDetection);
        await h.CreateAsync("workorderproduct", "wop-1", ("name", "Valve"), ("workorder", "wo-1"), ("product", "product-1"));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(20));
        await Device(h, "tech1").SyncAsync();
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorderproduct", "wop-1", 1, """{ "name": "Valve", "workorder": "wo-1", "product": "product-1", "quantity": 3 }"""));
        await h.DeleteAsync("workorderproduct", "wop-1");
        await h.DrainAsync();
        var outcome = Assert.Single((await ReceiptAsync(h, "tech1", "batch-1")).Outcomes);
        Assert.Equal(ChangeStatus.Rejected, outcome.Status);
        Assert.Equal("RecordNotFound", outcome.Reason);
    }

    [Theory]
    [InlineData(false, ChangeStatus.Applied)]
    [InlineData(true, ChangeStatus.Rejected)]
    public async Task DeleteOfRecordUpdatedOnServer_FollowsTheSetting(bool conflictDetection, ChangeStatus expected)
    {
        await using var h = await WorldAsync(conflictDetection);
        await h.CreateAsync("workorderproduct", "wop-1", ("name", "Valve"), ("workorder", "wo-1"), ("product", "product-1"));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(20));
        await Device(h, "tech1").SyncAsync();
        await h.UpdateAsync("workorderproduct", "wop-1", ("quantity", 5m)); // version 2 on the server
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Delete, "workorderproduct", "wop-1", 1));
        await h.DrainAsync();
        Assert.Equal(expected, Assert.Single((await ReceiptAsync(h, "tech1", "batch-1")).Outcomes).Status);
        Assert.Equal(expected == ChangeStatus.Applied, (await h.Records.GetAsync("workorderproduct", "wop-1", CancellationToken.None)).Outcome == RecordOutcome.NotFound);
    }

    [Fact]
    public async Task CreateThenUpdateAcrossBatches_AppliedInTheDevicesOrder()
    {
        await using var h = await WorldAsync();
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Create, "workorderproduct", "wop-new", null, """{ "name": "Gasket", "workorder": "wo-1", "product": "product-1", "quantity": 1 }"""));
        await PushAsync(h, "tech1", "batch-2", 2, Change(ChangeAction.Update, "workorderproduct", "wop-new", 1, """{ "name": "Gasket", "workorder": "wo-1", "product": "product-1", "quantity": 2 }"""));
        await PushAsync(h, "tech1", "batch-3", 3, Change(ChangeAction.Update, "workorderproduct", "wop-new", 2, """{ "name": "Gasket", "workorder": "wo-1", "product": "product-1", "quantity": 3 }"""));
        var stale = await Pushes(h).PushAsync("tech1", new PushRequest("device-tech1", "batch-0", 2, [Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start))]), CancellationToken.None);
        Assert.Equal(PushFailure.SequenceNotIncreasing, stale.Failure);
        await h.DrainAsync();

        var record = await ServerAsync(h, "workorderproduct", "wop-new");
        Assert.Equal(3, record.Version);
        Assert.Equal(3m, record.Values["quantity"]);
        foreach (var batch in new[] { "batch-1", "batch-2", "batch-3" })
        {
            Assert.All((await ReceiptAsync(h, "tech1", batch)).Outcomes, o => Assert.Equal(ChangeStatus.Applied, o.Status));
        }
        // The technician's new row reaches their device through the change feed like any other write.
        h.Clock.Advance(TimeSpan.FromMinutes(20));
        var device = Device(h, "tech1");
        await device.SyncAsync();
        Assert.Contains("wop-new", device.Ids("workorderproduct"));
    }

    [Fact]
    public async Task RePush_SameBatchId_SameReceiptAndAppliedOnce()
    {
        await using var h = await WorldAsync();
        var first = await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))));
        await h.DrainAsync();
        var again = await Pushes(h).PushAsync("tech1", new PushRequest("device-tech1", "batch-1", 1, [Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1)))]), CancellationToken.None);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Sequence, again.Batch!.Sequence);
        await h.Services.GetService<IPushWork>()!.EnqueueDeviceAsync("device-tech1", CancellationToken.None);
        await h.DrainAsync();
        Assert.Equal(2, (await ServerAsync(h, "workorder", "wo-1")).Version);
    }

    [Fact]
    public async Task CrashAfterAWriteBeforeTheOutcome_ReRunDoesNotApplyTwice()
    {
        await using var h = await WorldAsync();
        await PushAsync(h, "tech1", "batch-1", 1,
            Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))),
            Change(ChangeAction.Create, "workorderservicetask", "task-new", null, """{ "name": "Inspect", "workorder": "wo-1" }"""));
        // The applier wrote the first change, then died before sending the batch's fan-out and storing outcomes.
        var values = new Dictionary<string, object?> { ["starttime"] = Start.AddHours(1) };
        await WriteAsTheApplierAsync(h, "workorder", "wo-1", values, "device-tech1|1|0");
        await h.DrainAsync();

        Assert.Equal(2, (await ServerAsync(h, "workorder", "wo-1")).Version);
        Assert.All((await ReceiptAsync(h, "tech1", "batch-1")).Outcomes, o => Assert.Equal(ChangeStatus.Applied, o.Status));
        Assert.Equal(1, (await ServerAsync(h, "workorderservicetask", "task-new")).Version);
    }

    [Fact]
    public async Task Push_UpdateOfOwnAppliedCreate_BeforeTheFeedCaughtUp_IsAccepted()
    {
        await using var h = await WorldAsync();
        await PushAsync(h, "tech1", "batch-1", 1,
            Change(ChangeAction.Create, "workorderservicetask", "task-new", null, """{ "name": "Inspect", "workorder": "wo-1" }"""));
        // Applied, but its fan-out has not reached the technician's bucket yet (the message is still on its way).
        await h.Services.GetService<PushApplier>()!.ApplyDeviceAsync("device-tech1", CancellationToken.None);
        await h.LoseQueuedMessagesAsync();

        await PushAsync(h, "tech1", "batch-2", 2,
            Change(ChangeAction.Update, "workorderservicetask", "task-new", 1, """{ "name": "Inspect the pump" }"""));
        await h.DrainAsync();

        Assert.Equal(ChangeStatus.Applied, Assert.Single((await ReceiptAsync(h, "tech1", "batch-2")).Outcomes).Status);
        Assert.Equal("Inspect the pump", (await ServerAsync(h, "workorderservicetask", "task-new")).Values["name"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CrashAfterAWrite_DispatcherWritesBeforeTheReRun_ChangeIsNotDecidedAgain(bool conflictDetection)
    {
        await using var h = await WorldAsync(conflictDetection);
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))));
        // The applier wrote the change (version 2) and died; then a dispatcher moved End Time (version 3).
        var values = new Dictionary<string, object?> { ["starttime"] = Start.AddHours(1) };
        await WriteAsTheApplierAsync(h, "workorder", "wo-1", values, "device-tech1|1|0");
        await h.UpdateAsync("workorder", "wo-1", ("endtime", Start.AddHours(5)));
        await h.DrainAsync();

        // The re-run recognises its change: applied once, at the version it produced; the dispatcher's write stays.
        var outcome = Assert.Single((await ReceiptAsync(h, "tech1", "batch-1")).Outcomes);
        Assert.Equal(ChangeStatus.Applied, outcome.Status);
        Assert.Equal(2, outcome.Version);
        var server = await ServerAsync(h, "workorder", "wo-1");
        Assert.Equal(3, server.Version);
        Assert.Equal(Start.AddHours(5), server.Values["endtime"]);
        Assert.Equal(Start.AddHours(1), server.Values["starttime"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DispatcherWritesBetweenTheBatchReadsAndItsWrite_ThoseChangesAreDecidedAgainOnFreshReads(bool conflictDetection)
    {
        var faults = new FaultInjectionPolicy();
        await using var h = await SyncHarness.StartAsync(Today9, services => services.AddSingleton(new FieldSync.Storage.StoragePipelinePolicy(faults)),
            new Dictionary<string, string?> { ["FieldSync:Sync:ConflictDetection"] = conflictDetection ? "true" : "false" });
        await SeedAsync(h);
        string[] workOrders = ["wo-1", "wo-2", "wo-3"];
        foreach (var wo in workOrders)
        {
            await WorkOrderAsync(h, wo);
            await BookingAsync(h, "booking-" + wo, "resource-tech1", wo, Today9.AddHours(4));
        }
        await Device(h, "tech1").SyncAsync();
        await PushAsync(h, "tech1", "batch-1", 1, [.. workOrders.Select(wo => Change(ChangeAction.Update, "workorder", wo, 1, """{ "instructions": "from the tablet" }"""))]);

        // The applier has read the three work orders and decided; hold its write while a dispatcher edits wo-2.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reached = faults.PauseWhen(call => call.Lane == "applier" && call.Target.StartsWith("$batch[", StringComparison.Ordinal)
            && call.Target.Contains("RowKey='wo-2'", StringComparison.Ordinal), release.Task);
        var apply = Task.Run(async () =>
        {
            FaultInjectionPolicy.Lane = "applier";
            return await h.Services.GetService<PushApplier>()!.ApplyDeviceAsync("device-tech1", CancellationToken.None);
        });
        var held = await reached.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("RowKey='wo-1'", held.Target, StringComparison.Ordinal); // one transaction for the batch's work orders
        await h.UpdateAsync("workorder", "wo-2", ("priority", 1));
        release.SetResult();
        Assert.Equal(1, await apply);
        faults.Disarm();
        await h.DrainAsync();

        var outcomes = (await ReceiptAsync(h, "tech1", "batch-1")).Outcomes;
        foreach (var wo in new[] { "wo-1", "wo-3" })
        {
            Assert.Equal(ChangeStatus.Applied, outcomes.Single(o => o.Id == wo).Status);
            Assert.Equal("from the tablet", (await ServerAsync(h, "workorder", wo)).Values["instructions"]);
        }
        var edited = await ServerAsync(h, "workorder", "wo-2");
        Assert.Equal(1, (int)edited.Values["priority"]!); // the dispatcher's edit is never lost
        if (conflictDetection)
        {
            Assert.Equal(ChangeStatus.Rejected, outcomes.Single(o => o.Id == "wo-2").Status);
            Assert.Equal(2, edited.Version);
            Assert.False(edited.Values.ContainsKey("instructions"));
        }
        else
        {
            Assert.Equal(3, outcomes.Single(o => o.Id == "wo-2").Version); // written over the dispatcher's version 2
            Assert.Equal(3, edited.Version);
            Assert.Equal("from the tablet", edited.Values["instructions"]);
        }
    }

    [Fact]
    public async Task Push_AnotherTechniciansBooking_IsAcceptedAndRejectedAsPermissionRevealingNothing()
    {
        await using var h = await WorldAsync();
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "bookableresourcebooking", "booking-2", 1, """{ "name": "mine now" }"""));
        await h.DrainAsync();
        var outcome = Assert.Single((await ReceiptAsync(h, "tech1", "batch-1")).Outcomes);
        Assert.Equal(ChangeStatus.Rejected, outcome.Status);
        Assert.Equal("Permission", outcome.Reason);
        Assert.Contains("not in your offline data", outcome.Message, StringComparison.Ordinal);
        Assert.Null(outcome.Current);
        Assert.Equal("booking-2", (await ServerAsync(h, "bookableresourcebooking", "booking-2")).Values["name"]);
    }

    [Theory]
    [InlineData("update", "workorder", "wo-1", 1L, """{ "nosuch": 1 }""", "no column 'nosuch'")]
    [InlineData("update", "workorder", "wo-1", 1L, """{ "name": null }""", "'name' is required")]
    [InlineData("update", "bookableresourcebooking", "booking-1", 1L, """{ "bookingstatus": null, "name": "x" }""", "'bookingstatus' is required")]
    [InlineData("create", "workorderproduct", "wop-x", null, """{ "name": "x", "workorder": "wo-1" }""", "'product' is required")]
    [InlineData("update", "bookableresource", "resource-tech1", 1L, """{ "resourcetype": 42 }""", "must be one of")]
    [InlineData("update", "workorder", "wo-1", 1L, """{ "priority": "high" }""", "whole number")]
    [InlineData("update", "workorder", "wo-1", 9L, """{ "name": "x" }""", "newer than the server's version")]
    [InlineData("update", "workorder", "wo/1", 1L, """{ "name": "x" }""", "id may contain only")]
    [InlineData("update", "workorder", "wo-1", null, """{ "name": "x" }""", "baseVersion")]
    public async Task Push_BadChange_IsRefusedNamingTheChange(string action, string table, string id, long? baseVersion, string? values, string message)
    {
        await using var h = await WorldAsync();
        var outcome = await Pushes(h).PushAsync("tech1", new PushRequest("device-tech1", "batch-1", 1,
            [Change(Enum.Parse<ChangeAction>(action, true), table, id, baseVersion, values)]), CancellationToken.None);
        Assert.Equal(PushFailure.Invalid, outcome.Failure);
        var error = Assert.Single(outcome.Errors!);
        Assert.StartsWith("changes[0]", error.Field, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PoisonedBatch_IsSetAsideAsSyncErrors_AndLaterBatchesContinue()
    {
        await using var h = await WorldAsync();
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))));
        await PushAsync(h, "tech1", "batch-2", 2, Change(ChangeAction.Create, "workorderservicetask", "task-new", null, """{ "name": "Inspect", "workorder": "wo-1" }"""));
        await h.LoseQueuedMessagesAsync();
        // What the poison-queue function does once the host gave up on the device's message.
        Assert.True(await h.Services.GetService<PushApplier>()!.SetAsideAsync("device-tech1", "test", CancellationToken.None));
        await h.Services.GetService<PushApplier>()!.ApplyDeviceAsync("device-tech1", CancellationToken.None);

        var failed = await ReceiptAsync(h, "tech1", "batch-1");
        Assert.Equal(BatchStatus.Failed, failed.Status);
        var outcome = Assert.Single(failed.Outcomes);
        Assert.Equal("Other", outcome.Reason);
        Assert.Single(failed.Changes); // still in the inbox
        Assert.NotNull(await h.Services.GetService<ISyncErrorStore>()!.GetAsync(outcome.SyncErrorId!, CancellationToken.None));
        Assert.Equal(1, (await ServerAsync(h, "workorder", "wo-1")).Version);
        Assert.Equal(BatchStatus.Completed, (await ReceiptAsync(h, "tech1", "batch-2")).Status);
    }

    [Fact]
    public async Task LostMessage_StalledDeviceIsRequeuedAndApplied()
    {
        await using var h = await WorldAsync();
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, TechnicianRow(Start.AddHours(1))));
        await h.LoseQueuedMessagesAsync();
        var inbox = h.Services.GetService<IInbox>()!;
        Assert.Empty(await inbox.StalledDevicesAsync(h.Clock.GetUtcNow() - TimeSpan.FromMinutes(5), CancellationToken.None));

        h.Clock.Advance(TimeSpan.FromMinutes(6));
        var stalled = await inbox.StalledDevicesAsync(h.Clock.GetUtcNow() - TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal(["device-tech1"], stalled);
        await h.Services.GetService<IPushWork>()!.EnqueueDeviceAsync("device-tech1", CancellationToken.None);
        await h.DrainAsync();
        Assert.Equal(BatchStatus.Completed, (await ReceiptAsync(h, "tech1", "batch-1")).Status);
        Assert.Empty(await inbox.StalledDevicesAsync(h.Clock.GetUtcNow(), CancellationToken.None));
    }
}
