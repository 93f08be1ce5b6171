using Azure.Data.Tables;
using FieldSync.Core.Cleanup;
using FieldSync.Core.Devices;
using FieldSync.Core.Push;
using FieldSync.Core.Sync;
using FieldSync.Storage;
using Microsoft.Extensions.DependencyInjection;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>
/// The cleanup timers on Azurite: stale devices removed (and kept when seen meanwhile or with uploads waiting), the
/// scope of a user left without a device retired over several bounded runs, a device that comes back, and processed
/// inbox batches purged after their retention while re-sent batch ids stay idempotent within it.
/// </summary>
public class CleanupTests
{
    private static readonly DateTimeOffset Today9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private const string Tech1Scope = "u|tech1";

    /// <summary>tech1 has six bookings far enough ahead to stay in the profile while months pass, each with a work order.</summary>
    private static async Task<SyncHarness> WorldAsync(int chunkSize = 99, int chunksPerRun = 20)
    {
        var h = await SyncHarness.StartAsync(Today9, settings: new Dictionary<string, string?>
        {
            ["FieldSync:Devices:RetirementChunkSize"] = chunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FieldSync:Devices:RetirementChunksPerRun"] = chunksPerRun.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await SeedAsync(h);
        for (var i = 0; i < 6; i++)
        {
            await WorkOrderAsync(h, $"wo-{i}", i % 2 == 0 ? "account-1" : "account-2");
            await BookingAsync(h, $"booking-{i}", "resource-tech1", $"wo-{i}", Today9.AddDays(200).AddHours(i));
        }
        await BookingAsync(h, "booking-tech2", "resource-tech2", null, Today9.AddDays(200));
        await h.DrainAsync();
        return h;
    }

    /// <summary>A pushed update of work order wo-0's name.</summary>
    private static PushChange EditWorkOrder(string name, long baseVersion = 1)
        => new() { Action = ChangeAction.Update, Table = "workorder", Id = "wo-0", BaseVersion = baseVersion,
            Values = System.Text.Json.JsonDocument.Parse($$"""{"name":"{{name}}"}""").RootElement.Clone() };

    private static DeviceCleanup Cleanup(SyncHarness h) => h.Services.GetRequiredService<DeviceCleanup>();

    private static IDeviceRegistry Registry(SyncHarness h) => h.Services.GetRequiredService<IDeviceRegistry>();

    private static IInbox Inbox(SyncHarness h) => h.Services.GetRequiredService<IInbox>();

    /// <summary>Runs the stale-device timer until a run says nothing more remains; returns the reports.</summary>
    private static async Task<List<CleanupReport>> RunUntilDoneAsync(SyncHarness h, int maxRuns = 50)
    {
        var reports = new List<CleanupReport>();
        for (var run = 0; run < maxRuns; run++)
        {
            reports.Add(await Cleanup(h).RemoveStaleAsync(CancellationToken.None));
            if (!reports[^1].MoreRemains)
            {
                return reports;
            }
        }
        throw new InvalidOperationException("cleanup did not finish");
    }

    /// <summary>Rows left in a scope's partition besides its head.</summary>
    private static async Task<int> RowsAsync(SyncHarness h, string scopeId)
    {
        var options = h.Services.GetRequiredService<StorageOptions>();
        var feed = h.Services.GetRequiredService<TableServiceClient>().GetTableClient(options.TablePrefix + TableNames.Feed);
        var count = 0;
        await foreach (var _ in feed.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {scopeId} and RowKey ne {"head"}"), select: ["RowKey"]))
        {
            count++;
        }
        return count;
    }

    private static void AssertSameData(DeviceSimulator expected, DeviceSimulator actual)
    {
        Assert.Equal(expected.Tables.Keys.Order(), actual.Tables.Keys.Order());
        foreach (var table in expected.Tables.Keys)
        {
            Assert.Equal(expected.Ids(table).Order(), actual.Ids(table).Order());
            foreach (var id in expected.Ids(table))
            {
                Assert.Equal(expected.VersionOf(table, id), actual.VersionOf(table, id));
            }
        }
    }

    [Fact]
    public async Task RemoveStale_StaleDevice_RemovedAndRecentOneKept()
    {
        await using var h = await WorldAsync();
        await Device(h, "tech1").SyncAsync();
        h.Clock.Advance(TimeSpan.FromDays(60));
        await Device(h, "tech2").SyncAsync();
        h.Clock.Advance(TimeSpan.FromDays(31)); // tech1's device: 91 days unseen; tech2's: 31

        var reports = await RunUntilDoneAsync(h);

        Assert.Equal(1, reports.Sum(r => r.DevicesRemoved));
        Assert.Null(await Registry(h).GetAsync("device-tech1", CancellationToken.None));
        Assert.Empty(await Registry(h).ListByUserAsync("tech1", CancellationToken.None));
        Assert.NotNull(await Registry(h).GetAsync("device-tech2", CancellationToken.None));
        Assert.Equal(1, reports.Sum(r => r.ScopesRetired)); // tech1 had no other device
        Assert.Equal(ScopeState.Live, (await h.Feed.GetHeadAsync("u|tech2", CancellationToken.None))!.State);
    }

    [Fact]
    public async Task RemoveStale_DevicePullsDuringRemoval_IsKept()
    {
        await using var h = await WorldAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();
        h.Clock.Advance(TimeSpan.FromDays(91));
        var listed = (await Registry(h).ListAsync(new DeviceQuery(StaleSince: h.Clock.GetUtcNow().AddDays(-90)), CancellationToken.None)).Devices.Single();

        await device.SyncAsync(); // the device pulls between the listing and the removal: its record changes
        Assert.False(await Registry(h).RemoveAsync(listed, CancellationToken.None));

        var reports = await RunUntilDoneAsync(h);
        Assert.Equal(0, reports.Sum(r => r.DevicesRemoved));
        Assert.NotNull(await Registry(h).GetAsync("device-tech1", CancellationToken.None));
        Assert.Equal(ScopeState.Live, (await h.Feed.GetHeadAsync(Tech1Scope, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task RemoveStale_UploadsWaiting_DeviceAndInboxKeptUntilApplied()
    {
        await using var h = await WorldAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();
        h.Clock.Advance(TimeSpan.FromDays(91));
        // A batch waits in the inbox (not drained) while the device's record says it was last seen 91 days ago.
        var pushed = await h.Services.GetRequiredService<PushService>().PushAsync("tech1", new PushRequest("device-tech1", "b-1", 1,
            [EditWorkOrder("WO-0 edited")]),
            CancellationToken.None);
        Assert.Equal(PushFailure.None, pushed.Failure);
        var record = (await Registry(h).GetAsync("device-tech1", CancellationToken.None))!;
        Assert.True(await h.Services.GetRequiredService<IDeviceRegistry>().UpdateAsync(record, d => d with { LastSeenOn = Today9 }, CancellationToken.None) is not null);

        var first = await RunUntilDoneAsync(h);
        Assert.Equal(0, first.Sum(r => r.DevicesRemoved));
        Assert.True(first.Sum(r => r.DevicesKept) >= 1);
        Assert.NotNull(await Registry(h).GetAsync("device-tech1", CancellationToken.None));
        Assert.NotNull(await Inbox(h).GetBatchAsync("device-tech1", "b-1", CancellationToken.None));

        await h.DrainAsync(); // the batch is applied: nothing waits any more
        Assert.Equal("WO-0 edited", (await h.Records.GetAsync("workorder", "wo-0", CancellationToken.None)).Record!.Values["name"]);
        var second = await RunUntilDoneAsync(h);
        Assert.Equal(1, second.Sum(r => r.DevicesRemoved));
        Assert.Null(await Inbox(h).GetBatchAsync("device-tech1", "b-1", CancellationToken.None));
        Assert.Null((await Inbox(h).GetHeadAsync("device-tech1", CancellationToken.None)).ETag); // the whole inbox is gone
    }

    [Fact]
    public async Task RetireScope_SmallChunks_TakesSeveralRunsThenNothingIsLeftAndLaterRunsDoNothing()
    {
        await using var h = await WorldAsync(chunkSize: 5, chunksPerRun: 2);
        await Device(h, "tech1").SyncAsync();
        await Device(h, "tech2").SyncAsync();
        var rowsBefore = await RowsAsync(h, Tech1Scope);
        Assert.Contains(Tech1Scope, await h.Feed.ScopesHoldingAsync("bookableresourcebooking", "booking-0", CancellationToken.None));
        h.Clock.Advance(TimeSpan.FromDays(60));
        await Device(h, "tech2").SyncAsync();
        h.Clock.Advance(TimeSpan.FromDays(31));

        var reports = await RunUntilDoneAsync(h);

        Assert.True(reports.Count >= 3, $"{reports.Count} runs for {rowsBefore} rows");
        Assert.All(reports, r => Assert.True(r.ChunksDeleted <= 2));
        Assert.Equal(1, reports.Sum(r => r.ScopesRetired));
        var head = (await h.Feed.GetHeadAsync(Tech1Scope, CancellationToken.None))!;
        Assert.Equal(ScopeState.Retired, head.State);
        Assert.All(head.Buckets.Values, b => Assert.True(b.Count == 0 && b.Floor == head.Seq && b.LastSeq == head.Seq));
        Assert.Equal(0, await RowsAsync(h, Tech1Scope));
        Assert.DoesNotContain(Tech1Scope, await h.Feed.ScopesHoldingAsync("bookableresourcebooking", "booking-0", CancellationToken.None));
        Assert.DoesNotContain(Tech1Scope, await h.Feed.ScopesHoldingAsync("workorder", "wo-0", CancellationToken.None));
        Assert.True((await h.Feed.GetScopeAsync(Tech1Scope, CancellationToken.None))!.Retired);
        Assert.True(await RowsAsync(h, "s|field-service-mobile") > 0); // shared scopes belong to the profile
        Assert.True(await RowsAsync(h, "u|tech2") > 0);

        var later = await Cleanup(h).RemoveStaleAsync(CancellationToken.None);
        Assert.Equal(0, later.Items + later.DevicesKept + later.ScopesRetired);
        Assert.False(later.MoreRemains);

        // A dispatcher's write for the departed technician neither reaches nor resurrects the retired scope.
        await BookingAsync(h, "booking-late", "resource-tech1", "wo-0", Today9.AddDays(201));
        await h.UpdateAsync("workorder", "wo-1", ("name", "WO-1 renamed"));
        await h.DrainAsync();
        Assert.Equal(ScopeState.Retired, (await h.Feed.GetHeadAsync(Tech1Scope, CancellationToken.None))!.State);
        Assert.Equal(0, await RowsAsync(h, Tech1Scope));
    }

    [Theory]
    [InlineData(1)]   // during the retirement: one run deleted part of the scope
    [InlineData(50)]  // after it: only the retired head is left
    public async Task Comeback_OldCheckpointAfterRemoval_ResetsToWhatAFreshDeviceGets(int runs)
    {
        await using var h = await WorldAsync(chunkSize: 5, chunksPerRun: 2);
        var old = Device(h, "tech1");
        await old.SyncAsync();
        await h.UpdateAsync("workorder", "wo-2", ("name", "WO-2 v2"));
        await h.DrainAsync();
        await old.SyncAsync(force: true);
        h.Clock.Advance(TimeSpan.FromDays(91));
        for (var run = 0; run < runs && (run == 0 || (await h.Feed.GetHeadAsync(Tech1Scope, CancellationToken.None))!.State != ScopeState.Retired); run++)
        {
            await Cleanup(h).RemoveStaleAsync(CancellationToken.None);
        }
        var state = (await h.Feed.GetHeadAsync(Tech1Scope, CancellationToken.None))!.State;
        Assert.Equal(runs == 1 ? ScopeState.Retiring : ScopeState.Retired, state);
        Assert.Null(await Registry(h).GetAsync("device-tech1", CancellationToken.None));

        var back = await old.SyncAsync(); // with its old checkpoint
        Assert.Equal(DeviceResetReasons.DeviceRemoved, back[0].Reset?.Reason);
        Assert.Equal(SyncModes.FirstSync, back[0].SyncMode);
        Assert.NotNull(await Registry(h).GetAsync("device-tech1", CancellationToken.None)); // bound again
        var fresh = Device(h, "tech1", "device-tech1-new");
        await fresh.SyncAsync();
        AssertSameData(fresh, old);
        Assert.Equal(6, old.Ids("bookableresourcebooking").Count);
        Assert.Equal(6, old.Ids("workorder").Count);
        Assert.Equal("WO-2 v2", old.Tables["workorder"]["wo-2"].GetProperty("name").GetString());

        // The rest of the cleanup leaves the rebuilt scope alone, and writes reach it again.
        await RunUntilDoneAsync(h);
        Assert.Equal(ScopeState.Live, (await h.Feed.GetHeadAsync(Tech1Scope, CancellationToken.None))!.State);
        await BookingAsync(h, "booking-new", "resource-tech1", "wo-0", Today9.AddDays(201));
        await h.UpdateAsync("workorder", "wo-3", ("name", "WO-3 v2"));
        await h.DrainAsync();
        await old.SyncAsync(force: true);
        await fresh.SyncAsync(force: true);
        Assert.Contains("booking-new", old.Ids("bookableresourcebooking"));
        Assert.Equal("WO-3 v2", old.Tables["workorder"]["wo-3"].GetProperty("name").GetString());
        AssertSameData(fresh, old);
        Assert.Equal(2, (await Registry(h).ListByUserAsync("tech1", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Comeback_PushBeforePullAfterRetirement_IsJudgedOnTheRebuiltScope()
    {
        await using var h = await WorldAsync();
        var old = Device(h, "tech1");
        await old.SyncAsync();
        var version = old.VersionOf("workorder", "wo-0");
        h.Clock.Advance(TimeSpan.FromDays(91));
        await RunUntilDoneAsync(h);
        Assert.Equal(ScopeState.Retired, (await h.Feed.GetHeadAsync(Tech1Scope, CancellationToken.None))!.State);

        // The device comes back with a change made offline and pushes it before it pulls: the work order is the
        // technician's through a booking, which only the rebuilt scope's members show.
        var pushed = await h.Services.GetRequiredService<PushService>().PushAsync("tech1", new PushRequest("device-tech1", "b-back", 1,
            [EditWorkOrder("WO-0 offline edit", version)]),
            CancellationToken.None);
        Assert.Equal(PushFailure.None, pushed.Failure);
        await h.DrainAsync();
        var receipt = (await Inbox(h).GetBatchAsync("device-tech1", "b-back", CancellationToken.None))!;
        Assert.Equal(ChangeStatus.Applied, Assert.Single(receipt.Outcomes).Status);
        Assert.Equal(ScopeState.Live, (await h.Feed.GetHeadAsync(Tech1Scope, CancellationToken.None))!.State);

        var back = await old.SyncAsync();
        Assert.NotNull(back[0].Reset);
        Assert.Equal("WO-0 offline edit", old.Tables["workorder"]["wo-0"].GetProperty("name").GetString());
        var fresh = Device(h, "tech1", "device-tech1-new");
        await fresh.SyncAsync();
        AssertSameData(fresh, old);
    }

    [Fact]
    public async Task PurgeProcessedBatches_AfterRetention_PurgedAndWithinRetentionStillIdempotent()
    {
        await using var h = await WorldAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();
        var pushes = h.Services.GetRequiredService<PushService>();
        PushRequest Batch(string id, long sequence, string name) => new("device-tech1", id, sequence,
            [EditWorkOrder(name)]);
        var first = await pushes.PushAsync("tech1", Batch("b-1", 1, "one"), CancellationToken.None);
        Assert.Equal(PushFailure.None, first.Failure);
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromDays(10));
        Assert.Equal(PushFailure.None, (await pushes.PushAsync("tech1", Batch("b-2", 2, "two"), CancellationToken.None)).Failure);
        await h.DrainAsync();
        var purge = h.Services.GetRequiredService<BatchPurge>();

        h.Clock.Advance(TimeSpan.FromDays(19)); // b-1 is 29 days old: within retention
        Assert.Equal(0, (await purge.PurgeAsync(CancellationToken.None)).BatchesPurged);
        var again = await pushes.PushAsync("tech1", Batch("b-1", 1, "one"), CancellationToken.None);
        Assert.Equal(PushFailure.None, again.Failure);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Batch!.Sequence, again.Batch!.Sequence);
        Assert.Equal(BatchStatus.Completed, again.Batch.Status);

        h.Clock.Advance(TimeSpan.FromDays(2)); // b-1: 31 days, b-2: 21 days
        var report = await purge.PurgeAsync(CancellationToken.None);
        Assert.Equal(1, report.BatchesPurged);
        Assert.False(report.MoreRemains);
        Assert.Null(await Inbox(h).GetBatchAsync("device-tech1", "b-1", CancellationToken.None));
        Assert.NotNull(await Inbox(h).GetBatchAsync("device-tech1", "b-2", CancellationToken.None));
        Assert.Equal(0, (await purge.PurgeAsync(CancellationToken.None)).BatchesPurged); // idempotent: nothing more is due

        // After the purge a re-send of b-1 is refused as not increasing: it is never applied a second time.
        var late = await pushes.PushAsync("tech1", Batch("b-1", 1, "one"), CancellationToken.None);
        Assert.Equal(PushFailure.SequenceNotIncreasing, late.Failure);
        Assert.Equal(2, (await Inbox(h).GetHeadAsync("device-tech1", CancellationToken.None)).AcceptedSequence);
    }
}
