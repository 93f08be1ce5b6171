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
}
