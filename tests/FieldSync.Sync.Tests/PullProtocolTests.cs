using Microsoft.Extensions.DependencyInjection;
using FieldSync.Core.Sync;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>The pull protocol: paging, resuming, intervals, refresh, checksums, resync, reset, device binding.</summary>
public class PullProtocolTests
{
    private static readonly DateTimeOffset Today9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static async Task<SyncHarness> WorldWithBookingsAsync(int bookings)
    {
        var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        for (var i = 0; i < bookings; i++)
        {
            await WorkOrderAsync(h, $"wo-{i:D3}", i % 2 == 0 ? "account-1" : "account-2");
            await BookingAsync(h, $"booking-{i:D3}", "resource-tech1", $"wo-{i:D3}", Today9.AddHours(i + 1));
        }
        await h.DrainAsync();
        return h;
    }

    [Fact]
    public async Task FirstSync_SmallPages_DeliversEverythingOnceWithProgress()
    {
        await using var h = await WorldWithBookingsAsync(12);
        var paged = Device(h, "tech1", "device-paged");
        var results = await paged.SyncAsync(pageSize: 5);
        var whole = Device(h, "tech1", "device-whole");
        await whole.SyncAsync();

        Assert.True(results.Count >= 6, $"{results.Count} pages");
        Assert.All(results, r => Assert.Equal(SyncModes.FirstSync, r.SyncMode));
        Assert.True(results[0].Pending > results[^2].Pending, "pending must fall as pages arrive");
        Assert.Equal(0, results[^1].Pending);
        foreach (var table in whole.Tables.Keys)
        {
            Assert.Equal(whole.Ids(table).Order(), paged.Ids(table).Order());
        }
        Assert.Equal(12, paged.Ids("bookableresourcebooking").Count);
        var upserts = results.SelectMany(r => r.Changes).SelectMany(c => c.Upserts).Count();
        Assert.Equal(paged.Tables.Values.Sum(t => t.Count), upserts); // nothing delivered twice
    }

    [Fact]
    public async Task FirstSync_LastPageFilledByTheBudget_CompletesTheEmptyTablesAfterIt()
    {
        // No product was ever written: the last table in dependency order has an empty bucket. With one row a page, the
        // page that takes the last row is full when it reaches the products; they must still complete, or the download
        // ends (hasMore false) and stays a FIRST_SYNC with nothing left to send.
        await using var h = await SyncHarness.StartAsync(Today9);
        await h.CreateAsync("bookingstatus", Scheduled, ("name", "Scheduled"), ("status", 2), ("fieldservicestatus", 690970000));
        await h.CreateAsync("bookableresource", "resource-tech1", ("name", "Tech One"), ("userid", "tech1"), ("resourcetype", 3));
        await h.CreateAsync("account", "account-1", ("name", "Contoso"));
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(1));
        await h.DrainAsync();
        var device = Device(h, "tech1", "device-one-row-pages");

        var pages = await device.SyncAsync(pageSize: 1);

        Assert.All(pages, p => Assert.Equal(SyncModes.FirstSync, p.SyncMode));
        Assert.All(pages[^1].Status, s => Assert.True(s.LastSyncedAt is not null, $"{s.Table} not downloaded"));
        var next = await device.SyncAsync(force: true);
        Assert.Equal(SyncModes.ForcedSync, Assert.Single(next).SyncMode);
    }

    [Fact]
    public async Task FirstSync_ResponseLost_ResumesFromLastCheckpoint()
    {
        await using var h = await WorldWithBookingsAsync(8);
        var device = Device(h, "tech1");
        var first = await h.Pulls.PullAsync("tech1", new PullRequest("device-tech1", null, null, false, 4), CancellationToken.None);
        // The second page is computed but never reaches the device; it asks again with the first page's checkpoint.
        _ = await h.Pulls.PullAsync("tech1", new PullRequest("device-tech1", first.Result!.Checkpoint, null, false, 4), CancellationToken.None);
        var replay = new DeviceSimulator(h.Pulls, "tech1", "device-tech1");
        var resumed = await h.Pulls.PullAsync("tech1", new PullRequest("device-tech1", first.Result.Checkpoint, null, false, 4), CancellationToken.None);
        Assert.NotEmpty(first.Result.Changes);
        Assert.True(resumed.Result!.Changes.SelectMany(c => c.Upserts).Any());

        await device.SyncAsync();
        await replay.SyncAsync();
        Assert.Equal(device.Ids("bookableresourcebooking").Order(), replay.Ids("bookableresourcebooking").Order());
    }

    [Fact]
    public async Task DeltaSync_NothingNew_IsEmptyAndTablesNotDueAreSkipped()
    {
        await using var h = await WorldWithBookingsAsync(2);
        var device = Device(h, "tech1");
        await device.SyncAsync();

        h.Clock.Advance(TimeSpan.FromMinutes(6));
        var delta = (await device.SyncAsync())[0];
        Assert.Equal(SyncModes.DeltaSync, delta.SyncMode);
        Assert.Empty(delta.Changes);
        Assert.False(delta.HasMore);
        var synced = delta.Status.Where(s => s.Synced).Select(s => s.Table).ToHashSet();
        Assert.Contains("bookableresourcebooking", synced);
        Assert.Contains("workorder", synced);          // related to 5-minute bookings: effective interval 5
        Assert.DoesNotContain("product", synced);       // daily
    }

    [Fact]
    public async Task DeltaSync_NothingNew_CostsAtMostThreeStorageTransactions()
    {
        await using var h = await WorldWithBookingsAsync(3);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(6));
        await device.SyncAsync(); // refreshes the device's last-pull time (done at most every 15 minutes)
        var counter = h.Services.GetService<FieldSync.Storage.StorageTransactionCounter>()!;
        for (var i = 0; i < 5; i++)
        {
            h.Clock.Advance(TimeSpan.FromMinutes(1));
            counter.Reset();
            await device.SyncAsync();
            Assert.True(counter.Total <= 3, $"idle pull took {counter.Total}: {string.Join(", ", counter.ByOperation.Select(kv => $"{kv.Key}={kv.Value}"))}");
        }
    }

    [Fact]
    public async Task DeltaSync_WorkOrderFollowsBookingsInterval_EvenIfItsOwnIsLonger()
    {
        await using var h = await WorldWithBookingsAsync(1);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        var profile = device.Last!.Profile;
        Assert.True(profile.Tables["account"].SyncInterval > profile.Tables["bookableresourcebooking"].SyncInterval);
        Assert.Equal(profile.Tables["bookableresourcebooking"].EffectiveSyncInterval, profile.Tables["account"].EffectiveSyncInterval);
    }

    [Fact]
    public async Task GridSync_OneTable_RefreshesItRegardlessOfInterval()
    {
        await using var h = await WorldWithBookingsAsync(1);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        await h.UpdateAsync("product", "product-1", ("name", "Boiler valve v2"));
        await h.DrainAsync();

        var delta = (await device.SyncAsync())[0];
        Assert.DoesNotContain(delta.Changes, c => c.Table == "product"); // not due for a day
        var grid = (await device.SyncAsync(["product"]))[0];
        Assert.Equal(SyncModes.GridSync, grid.SyncMode);
        Assert.Equal("Boiler valve v2", device.Tables["product"]["product-1"].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Status_Checksums_MatchWhatTheDeviceHolds()
    {
        await using var h = await WorldWithBookingsAsync(5);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        foreach (var status in device.Last!.Status)
        {
            Assert.NotNull(status.Count); // a first sync reads every head
            Assert.Equal(status.Checksum, device.ChecksumOf(status.Table));
            Assert.Equal(status.Count, device.CountOf(status.Table));
        }
    }

    [Fact]
    public async Task Compaction_CheckpointPastHorizon_GetsResyncAndConverges()
    {
        await using var h = await WorldWithBookingsAsync(3);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        await h.UpdateAsync("bookableresourcebooking", "booking-000", ("bookingstatus", Completed));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromDays(40));
        await h.Feed.CompactAsync(ScopeIds.ForUser("tech1"), h.Clock.GetUtcNow() - TimeSpan.FromDays(30), CancellationToken.None);

        var results = await device.SyncAsync();
        Assert.Contains("bookableresourcebooking", results[0].Resync);
        Assert.True(results[0].IsLarge, "a device unseen for 40 days gets a large-sync notice");
        Assert.DoesNotContain("booking-000", device.Ids("bookableresourcebooking"));
    }

    [Fact]
    public async Task FirstSync_SmallPagesAfterCompaction_Finishes()
    {
        // Issue 8.1: once compaction raised the floor, every page of a first download that ended below it
        // started the table over, so a new device never finished.
        await using var h = await WorldWithBookingsAsync(12);
        await h.Maintainer.EnsureScopesAsync("tech1", CancellationToken.None);
        await h.UpdateAsync("bookableresourcebooking", "booking-011", ("bookingstatus", Completed));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromDays(40));
        await h.Feed.CompactAsync(ScopeIds.ForUser("tech1"), h.Clock.GetUtcNow() - TimeSpan.FromDays(30), CancellationToken.None);
        var head = await h.Feed.GetHeadAsync(ScopeIds.ForUser("tech1"), CancellationToken.None);
        Assert.True(head!.Bucket("bookableresourcebooking").Floor > 0, "the test needs a raised floor");

        var paged = Device(h, "tech1", "device-new");
        var results = await paged.SyncAsync(pageSize: 5);
        var whole = Device(h, "tech1", "device-whole");
        await whole.SyncAsync();

        Assert.True(results.Count < 20, $"{results.Count} pages for {paged.Tables.Values.Sum(t => t.Count)} rows");
        Assert.All(results, r => Assert.Empty(r.Resync));
        foreach (var table in whole.Tables.Keys)
        {
            Assert.Equal(whole.Ids(table).Order(), paged.Ids(table).Order());
        }
        Assert.Equal(11, paged.Ids("bookableresourcebooking").Count);
    }

    [Fact]
    public async Task FirstSync_CompactionInTheMiddle_ResyncsOnlyWhenARemovalWasLost()
    {
        await using var h = await WorldWithBookingsAsync(12);
        var paged = Device(h, "tech1", "device-slow");
        // Half a first download, then the device is away while a delivered booking leaves and its removal expires.
        var first = await h.Pulls.PullAsync("tech1", new PullRequest("device-slow", null, null, false, 10), CancellationToken.None);
        Assert.True(first.Result!.HasMore);
        var delivered = first.Result.Changes.Single(c => c.Table == "bookableresourcebooking").Upserts.Select(u => u.Id).ToList();
        await h.UpdateAsync("bookableresourcebooking", delivered[0], ("bookingstatus", Completed));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromDays(40));
        await h.Feed.CompactAsync(ScopeIds.ForUser("tech1"), h.Clock.GetUtcNow() - TimeSpan.FromDays(30), CancellationToken.None);

        var results = new List<PullResult>();
        var checkpoint = first.Result.Checkpoint;
        for (var page = 0; page < 50; page++)
        {
            var outcome = await h.Pulls.PullAsync("tech1", new PullRequest("device-slow", checkpoint, null, false, 10), CancellationToken.None);
            results.Add(outcome.Result!);
            checkpoint = outcome.Result!.Checkpoint;
            if (!outcome.Result.HasMore)
            {
                break;
            }
        }
        Assert.False(results[^1].HasMore, "the download must finish");
        // The booking's removal is gone, so the device cannot learn of it incrementally: it must drop the table once.
        Assert.Equal(1, results.Count(r => r.Resync.Contains("bookableresourcebooking")));
        var rows = results.SkipWhile(r => !r.Resync.Contains("bookableresourcebooking"))
            .SelectMany(r => r.Changes).Where(c => c.Table == "bookableresourcebooking").SelectMany(c => c.Upserts).Select(u => u.Id).ToHashSet();
        Assert.DoesNotContain(delivered[0], rows);
        Assert.Equal(11, rows.Count);
    }

    [Fact]
    public async Task DeltaSync_CommitLandsWhileOpsAreRead_FiguresDescribeTheRowsServed()
    {
        // Issue 8.2b: the head's count and checksum were read before the ops; a commit in between made the figures
        // describe another state than the rows in the same response (a false integrity failure on the device).
        var faults = new FaultInjectionPolicy();
        await using var h = await SyncHarness.StartAsync(Today9, services => services.AddSingleton(new FieldSync.Storage.StoragePipelinePolicy(faults)));
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(2));
        await BookingAsync(h, "booking-2", "resource-tech1", "wo-1", Today9.AddHours(3));
        await h.DrainAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();
        await h.UpdateAsync("bookableresourcebooking", "booking-1", ("name", "moved earlier"));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(6));

        // Hold the pull's read of the bookings' ops (its head is read by then) while the dispatcher edits booking-2.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reached = faults.PauseWhen(call => call.Lane == "puller" && call.Target.Contains("o|bookableresourcebooking|", StringComparison.Ordinal), release.Task);
        var pull = Task.Run(async () =>
        {
            FaultInjectionPolicy.Lane = "puller";
            return await device.SyncAsync();
        });
        await reached.WaitAsync(TimeSpan.FromSeconds(30));
        await h.UpdateAsync("bookableresourcebooking", "booking-2", ("name", "moved later"));
        await h.DrainAsync();
        release.SetResult();
        var results = await pull; // DeviceSimulator asserts the figures of every response against the rows it holds
        faults.Disarm();

        Assert.Contains(results, r => r.Status.Any(s => s.Table == "bookableresourcebooking" && s.Count == 2));
        Assert.Equal(2, device.VersionOf("bookableresourcebooking", "booking-1"));
        Assert.Equal(2, device.VersionOf("bookableresourcebooking", "booking-2"));
    }

    [Fact]
    public async Task Pull_DeviceOfAnotherUser_IsRefused()
    {
        await using var h = await WorldWithBookingsAsync(1);
        await Device(h, "tech1", "shared-device").SyncAsync();
        var outcome = await h.Pulls.PullAsync("tech2", new PullRequest("shared-device", null, null, false, 100), CancellationToken.None);
        Assert.Equal(PullFailure.DeviceOfOtherUser, outcome.Failure);
    }

    [Fact]
    public async Task Pull_ForgedCheckpoint_IsRefused()
    {
        await using var h = await WorldWithBookingsAsync(1);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        var other = await h.Pulls.PullAsync("tech2", new PullRequest("device-tech2", device.Checkpoint, null, false, 100), CancellationToken.None);
        Assert.Equal(PullFailure.InvalidCheckpoint, other.Failure);
        var garbage = await h.Pulls.PullAsync("tech1", new PullRequest("device-tech1", "not-a-token", null, false, 100), CancellationToken.None);
        Assert.Equal(PullFailure.InvalidCheckpoint, garbage.Failure);
    }

    [Fact]
    public async Task Reset_DeviceForgetsEverything_NextSyncIsFirstSync()
    {
        await using var h = await WorldWithBookingsAsync(2);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        var before = device.Ids("bookableresourcebooking");
        device.Reset();
        var results = await device.SyncAsync();
        Assert.Equal(SyncModes.FirstSync, results[0].SyncMode);
        Assert.Equal(before.Order(), device.Ids("bookableresourcebooking").Order());
    }
}
