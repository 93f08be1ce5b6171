using FieldSync.Core.Sync;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>The seed's "Data removal from the mobile device" cases, on Azurite.</summary>
public class DataRemovalTests
{
    private static readonly DateTimeOffset Today9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task FirstSync_PastBookings_AreNotOnTheDevice()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-past");
        await WorkOrderAsync(h, "wo-future", "account-2");
        await BookingAsync(h, "booking-yesterday", "resource-tech1", "wo-past", Today9.AddDays(-1));
        await BookingAsync(h, "booking-tomorrow", "resource-tech1", "wo-future", Today9.AddDays(1));
        await h.DrainAsync();

        var device = Device(h, "tech1");
        var results = await device.SyncAsync();

        Assert.Equal(SyncModes.FirstSync, results[0].SyncMode);
        Assert.Equal(["booking-tomorrow"], device.Ids("bookableresourcebooking"));
        Assert.Equal(["wo-future"], device.Ids("workorder"));
        Assert.Equal(["account-2"], device.Ids("account"));
        Assert.Equal(["product-1"], device.Ids("product"));
        Assert.Equal(["resource-tech1"], device.Ids("bookableresource"));
    }

    [Fact]
    public async Task IncrementalSync_BookingCompleted_LeavesWithItsWorkOrderAndAccount()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(2));
        var device = Device(h, "tech1");
        await device.SyncAsync();
        Assert.Contains("booking-1", device.Ids("bookableresourcebooking"));
        Assert.Contains("wo-1", device.Ids("workorder"));

        await h.UpdateAsync("bookableresourcebooking", "booking-1", ("bookingstatus", Completed));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        var results = await device.SyncAsync();

        Assert.Equal(SyncModes.DeltaSync, results[0].SyncMode);
        Assert.Empty(device.Ids("bookableresourcebooking"));
        Assert.Empty(device.Ids("workorder"));
        Assert.Empty(device.Ids("account"));
        Assert.Contains(results[0].Changes, c => c.Table == "bookableresourcebooking" && c.Removes.Contains("booking-1"));
    }

    [Fact]
    public async Task IncrementalSync_BookingReassigned_MovesToTheOtherTechnician()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(3));
        var tech1 = Device(h, "tech1");
        var tech2 = Device(h, "tech2");
        await tech1.SyncAsync();
        await tech2.SyncAsync();
        Assert.Contains("booking-1", tech1.Ids("bookableresourcebooking"));
        Assert.DoesNotContain("booking-1", tech2.Ids("bookableresourcebooking"));

        await h.UpdateAsync("bookableresourcebooking", "booking-1", ("resource", "resource-tech2"));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await tech1.SyncAsync();
        await tech2.SyncAsync();

        Assert.DoesNotContain("booking-1", tech1.Ids("bookableresourcebooking"));
        Assert.DoesNotContain("wo-1", tech1.Ids("workorder"));
        Assert.Contains("booking-1", tech2.Ids("bookableresourcebooking"));
        Assert.Contains("wo-1", tech2.Ids("workorder"));
        Assert.Equal("resource-tech2", tech2.Tables["bookableresourcebooking"]["booking-1"].GetProperty("resource").GetString());
    }

    [Fact]
    public async Task IncrementalSync_DayRollsOver_YesterdaysBookingsLeave()
    {
        var lateEvening = new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);
        await using var h = await SyncHarness.StartAsync(lateEvening);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-today");
        await WorkOrderAsync(h, "wo-tomorrow", "account-2");
        await BookingAsync(h, "booking-today", "resource-tech1", "wo-today", lateEvening.AddHours(-4));
        await BookingAsync(h, "booking-tomorrow", "resource-tech1", "wo-tomorrow", lateEvening.AddHours(13));
        var device = Device(h, "tech1");
        await device.SyncAsync();
        Assert.Equal(["booking-today", "booking-tomorrow"], device.Ids("bookableresourcebooking").Order());

        h.Clock.Advance(TimeSpan.FromHours(4)); // 01:00 the next day
        await h.Sweeper.ReevaluateTimeRelativeAsync(CancellationToken.None);
        await h.DrainAsync();
        await device.SyncAsync();

        Assert.Equal(["booking-tomorrow"], device.Ids("bookableresourcebooking"));
        Assert.Equal(["wo-tomorrow"], device.Ids("workorder"));
        Assert.Equal(["account-2"], device.Ids("account"));
    }

    [Fact]
    public async Task IncrementalSync_LastBookingOfWorkOrderLeaves_WorkOrderLeaves()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-a", "resource-tech1", "wo-1", Today9.AddHours(1));
        await BookingAsync(h, "booking-b", "resource-tech1", "wo-1", Today9.AddDays(2));
        var device = Device(h, "tech1");
        await device.SyncAsync();

        await h.UpdateAsync("bookableresourcebooking", "booking-a", ("bookingstatus", Completed));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await device.SyncAsync();
        Assert.Equal(["booking-b"], device.Ids("bookableresourcebooking"));
        Assert.Contains("wo-1", device.Ids("workorder")); // still referenced by booking-b

        await h.UpdateAsync("bookableresourcebooking", "booking-b", ("bookingstatus", Canceled));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await device.SyncAsync();
        Assert.Empty(device.Ids("bookableresourcebooking"));
        Assert.Empty(device.Ids("workorder"));
    }

    [Fact]
    public async Task IncrementalSync_ChildRowsFollowTheirWorkOrder()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await h.CreateAsync("workorderproduct", "wop-1", ("name", "Valve"), ("workorder", "wo-1"), ("product", "product-1"), ("quantity", 2m));
        await h.CreateAsync("workorderservicetask", "task-1", ("name", "Inspect"), ("workorder", "wo-1"));
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(1));
        var device = Device(h, "tech1");
        await device.SyncAsync();
        Assert.Equal(["wop-1"], device.Ids("workorderproduct"));
        Assert.Equal(["task-1"], device.Ids("workorderservicetask"));

        await h.CreateAsync("workorderproduct", "wop-2", ("name", "Gasket"), ("workorder", "wo-1"), ("product", "product-1"));
        await h.DeleteAsync("workorderservicetask", "task-1");
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(15));
        await device.SyncAsync();
        Assert.Equal(["wop-1", "wop-2"], device.Ids("workorderproduct").Order());
        Assert.Empty(device.Ids("workorderservicetask"));
    }
}
