using FieldSync.Core.Devices;
using FieldSync.Core.Sync;
using Microsoft.Extensions.DependencyInjection;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>
/// What a device reports it holds (<c>holdings</c>) against the server's figures, recorded as the table's
/// checksumMatched: compared only where both describe the same rows.
/// </summary>
public class HoldingsTests
{
    private static readonly DateTimeOffset Today9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static TableHolding HoldingOf(DeviceSimulator device, string table) => new(device.CountOf(table), device.ChecksumOf(table));

    private static async Task<bool?> PullReportingAsync(SyncHarness h, DeviceSimulator device, string user, TableHolding holding)
    {
        var outcome = await h.Pulls.PullAsync(user, new PullRequest("device-" + user, device.Checkpoint, null, true, PullService.DefaultPageSize)
        {
            Holdings = new Dictionary<string, TableHolding>(StringComparer.Ordinal) { ["workorder"] = holding },
        }, CancellationToken.None);
        Assert.Equal(PullFailure.None, outcome.Failure);
        var record = await h.Services.GetRequiredService<IDeviceRegistry>().GetAsync("device-" + user, CancellationToken.None);
        return record!.Tables["workorder"].ChecksumMatched;
    }

    [Fact]
    public async Task Holdings_ComparedOnlyWhereTheAnswerChangesNothingInTheTable()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(2));
        await h.DrainAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();

        // Nothing changed since: the device's true holding matches, a damaged one does not.
        Assert.True(await PullReportingAsync(h, device, "tech1", HoldingOf(device, "workorder")));
        Assert.False(await PullReportingAsync(h, device, "tech1", new TableHolding(7, "0123456789abcdef")));

        // A dispatcher edit: the answer carries a new version of wo-1, so the holding the device sent (before it) is not
        // compared with the figures (after it), and the last result stands rather than a false mismatch.
        Assert.True(await PullReportingAsync(h, device, "tech1", HoldingOf(device, "workorder")));
        await h.UpdateAsync("workorder", "wo-1", ("instructions", "changed"));
        await h.DrainAsync();
        Assert.True(await PullReportingAsync(h, device, "tech1", HoldingOf(device, "workorder")));
    }
}
