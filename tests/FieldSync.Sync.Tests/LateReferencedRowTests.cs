using FieldSync.Core.Sync;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>
/// Rows that arrive after the rows pointing to them (issue 8.2): a booking names a work order that does not exist
/// yet, or whose work order is deleted and created again. The devices holding the booking must receive the work
/// order, and what hangs off it, as soon as it exists, without waiting for an unrelated evaluation.
/// </summary>
public class LateReferencedRowTests
{
    private static readonly DateTimeOffset Today9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CreateAsync_WorkOrderCreatedAfterItsBooking_ReachesTheDeviceWithItsChildren()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await h.CreateAsync("account", "account-late", ("name", "Late Ltd"));
        await BookingAsync(h, "booking-early", "resource-tech2", "wo-x", Today9.AddHours(3));
        await h.DrainAsync();
        var device = Device(h, "tech2");
        await device.SyncAsync();
        Assert.Contains("booking-early", device.Ids("bookableresourcebooking"));
        Assert.DoesNotContain("wo-x", device.Ids("workorder"));

        await WorkOrderAsync(h, "wo-x", "account-late");
        await h.DrainAsync();
        await h.CreateAsync("workorderproduct", "wop-x", ("name", "valve"), ("workorder", "wo-x"), ("product", "product-1"));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(6));
        await device.SyncAsync(force: true);

        Assert.Contains("wo-x", device.Ids("workorder"));
        Assert.Contains("account-late", device.Ids("account"));
        Assert.Contains("wop-x", device.Ids("workorderproduct"));
        Assert.DoesNotContain("wo-x", Device(h, "tech1").Ids("workorder"));
    }

    [Fact]
    public async Task CreateAsync_WorkOrderDeletedAndCreatedAgain_ComesBackToTheDevice()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-y");
        await BookingAsync(h, "booking-y", "resource-tech2", "wo-y", Today9.AddHours(3));
        await h.DrainAsync();
        var device = Device(h, "tech2");
        await device.SyncAsync();
        Assert.Contains("wo-y", device.Ids("workorder"));

        await h.DeleteAsync("workorder", "wo-y");
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(6));
        await device.SyncAsync();
        Assert.DoesNotContain("wo-y", device.Ids("workorder"));

        await WorkOrderAsync(h, "wo-y", "account-2");
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(6));
        await device.SyncAsync();
        Assert.Contains("wo-y", device.Ids("workorder"));
        Assert.Contains("account-2", device.Ids("account"));
    }

    [Fact]
    public async Task EvaluateAsync_WholeScopeWithADanglingLookup_IndexesTheMissingRowForItsCreate()
    {
        // The first pull builds the scope by a whole-scope evaluation, not the per-record path.
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await BookingAsync(h, "booking-z", "resource-tech2", "wo-z", Today9.AddHours(3));
        var device = Device(h, "tech2");
        await device.SyncAsync();
        Assert.Contains(ScopeIds.ForUser("tech2"), await h.Feed.ScopesHoldingAsync("workorder", "wo-z", CancellationToken.None));

        await WorkOrderAsync(h, "wo-z");
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(6));
        await device.SyncAsync();
        Assert.Contains("wo-z", device.Ids("workorder"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EvaluateRecordsAsync_WriteDuringTheScopesFirstBuild_IsNotLost(bool reassign)
    {
        // A dispatcher edits a booking while the technician's first pull builds the scope (and has read the booking
        // already): the edit's evaluation finds the scope registered but not built. It used to do nothing, and the
        // build then committed the old version for good.
        var faults = new FaultInjectionPolicy();
        await using var h = await SyncHarness.StartAsync(Today9, services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, new FieldSync.Storage.StoragePipelinePolicy(faults)));
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(2));
        await h.DrainAsync();

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Held where the build has read the records and is about to index and commit them.
        var reached = faults.PauseWhen(call => call.Lane == "first-pull" && call.Target.StartsWith("fsholders", StringComparison.Ordinal), release.Task);
        var device = Device(h, "tech1");
        var pull = Task.Run(async () =>
        {
            FaultInjectionPolicy.Lane = "first-pull";
            return await device.SyncAsync();
        });
        await reached.WaitAsync(TimeSpan.FromSeconds(30));
        // An edit that keeps the booking tech1's; or one that gives it to tech2, after which nothing of the booking
        // names tech1 and the build has no index entry for it yet: the first build in progress takes it anyway.
        await (reassign
            ? h.UpdateAsync("bookableresourcebooking", "booking-1", ("resource", "resource-tech2"))
            : h.UpdateAsync("bookableresourcebooking", "booking-1", ("name", "moved to the afternoon")));
        var drain = h.DrainAsync();
        await Task.Delay(500);
        release.SetResult();
        await pull;
        await drain;
        faults.Disarm();
        await h.DrainAsync();

        h.Clock.Advance(TimeSpan.FromMinutes(6));
        await device.SyncAsync();
        if (reassign)
        {
            Assert.DoesNotContain("booking-1", device.Ids("bookableresourcebooking"));
        }
        else
        {
            Assert.Equal(2, device.VersionOf("bookableresourcebooking", "booking-1"));
        }
        var registration = (await h.ListAllScopesAsync()).Single(r => r.ScopeId == ScopeIds.ForUser("tech1"));
        Assert.False(registration.Building, "a built scope is found by the reverse index again");
    }

    [Fact]
    public async Task EvaluateRecordsAsync_RowMovedAwayBeforeItsIndexEntry_IsNotKeptStale()
    {
        // The evaluation read a new booking as tech1's; before it wrote the booking's reverse-index entry, the
        // dispatcher gave the booking to tech2. That write's fan-out could not find tech1's scope (no entry yet, and
        // the booking's resource now names tech2), so tech1 would have kept the booking for good.
        var faults = new FaultInjectionPolicy();
        await using var h = await SyncHarness.StartAsync(Today9, services => Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton(services, new FieldSync.Storage.StoragePipelinePolicy(faults)));
        await SeedAsync(h);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        await Device(h, "tech2").SyncAsync();
        await BookingAsync(h, "booking-race", "resource-tech1", null, Today9.AddHours(2));

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reached = faults.PauseWhen(call => call.Lane == "evaluator" && call.Target.Contains("fsholders", StringComparison.Ordinal)
            && call.Target.Contains("booking-race", StringComparison.Ordinal), release.Task);
        var evaluation = Task.Run(async () =>
        {
            FaultInjectionPolicy.Lane = "evaluator";
            return await h.Maintainer.EvaluateRecordsAsync(ScopeIds.ForUser("tech1"), [new RecordKey("bookableresourcebooking", "booking-race")], CancellationToken.None);
        });
        await reached.WaitAsync(TimeSpan.FromSeconds(30));
        await h.UpdateAsync("bookableresourcebooking", "booking-race", ("resource", "resource-tech2"));
        await h.DrainAsync();
        release.SetResult();
        await evaluation;
        faults.Disarm();
        await h.DrainAsync();

        h.Clock.Advance(TimeSpan.FromMinutes(6));
        await device.SyncAsync();
        Assert.DoesNotContain("booking-race", device.Ids("bookableresourcebooking"));
    }
}

