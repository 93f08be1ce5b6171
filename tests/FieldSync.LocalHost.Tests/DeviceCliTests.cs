using System.Net.Http.Headers;
using FieldSync.Client;
using FieldSync.Client.Storage;
using FieldSync.Core.Security;
using FieldSync.LocalHost.Cli;
using FieldSync.LocalHost.DemoData;
using FieldSync.LocalHost.Hosting;
using FieldSync.Testing;

namespace FieldSync.LocalHost.Tests;

/// <summary>
/// The README's terminal walk-through, on the real function app with the demo data: the <c>device</c> verb's console
/// (the SDK on a real SQLite file) and the <c>dispatch</c> verb's, as a new user would run them.
/// </summary>
public sealed class DeviceCliTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly TestSigningKey key = TestSigningKey.Create();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "fieldsync-device-cli-" + Guid.NewGuid().ToString("N")[..8]);
    private LocalFunctionHost host = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        host = await FieldSyncTestHost.StartAsync(azurite, key);
        await DemoDataSeeder.SeedAsync(host.Services, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task DeviceAndDispatch_TheReadmeWalkThrough_FirstSyncEditPushedConflictAndACompletedBookingLeaving()
    {
        await using var store = await LocalStore.OpenAsync(Path.Combine(folder, "phone-tech1.db"));
        using var client = new FieldSyncClient(new FieldSyncClientOptions
        {
            ServerAddress = host.BaseAddress,
            DeviceId = "phone-tech1",
            AccessToken = _ => ValueTask.FromResult(key.Token("tech1", Roles.Technician)),
        }, store);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Token("dispatcher1", Roles.Dispatcher));
        var output = new StringWriter();
        var device = new DeviceConsole(client, store, output);
        var dispatcher = new DispatcherConsole(http, output);

        Assert.Equal(0, await device.SyncAsync(CancellationToken.None));
        Assert.Contains("sync: FIRST_SYNC", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, await device.StatusAsync(CancellationToken.None));
        Assert.Matches(@"bookableresourcebooking\s+\d+\s+\d{4}-\d\d-\d\d", output.ToString());
        var bookings = await store.ListAsync("bookableresourcebooking");
        var (edited, completed) = PickTwoBookingsWithTheirOwnWorkOrders(bookings);

        // An edit pushed: the sync waits until the server applied it.
        Assert.Equal(0, await device.EditAsync("workorder", edited.WorkOrder, FieldAssignments.Parse(["instructions=Replaced the sensor."]), sync: true, CancellationToken.None));
        Assert.Equal(0, (await client.GetStatusAsync()).PendingUploads);
        // The dispatcher edits the same work order; the device, still on its older version, edits it again: with conflict
        // detection No (the default) the device's change wins.
        Assert.Equal(0, await dispatcher.EditAsync("workorder", edited.WorkOrder, FieldAssignments.Parse(["instructions=Call the site manager first."]), CancellationToken.None));
        Assert.Equal(0, await device.EditAsync("workorder", edited.WorkOrder, FieldAssignments.Parse(["instructions=Sensor replaced and tested."]), sync: true, CancellationToken.None));
        var workOrder = (await store.GetAsync("workorder", edited.WorkOrder)).Record!;
        Assert.Equal("Sensor replaced and tested.", workOrder.Data.GetProperty("instructions").GetString());
        Assert.True(workOrder.Version >= 4, $"version {workOrder.Version}: the device's edit over the dispatcher's");

        // A booking completed by the dispatcher leaves the device on its next sync, with its work order.
        Assert.Equal(0, await dispatcher.CompleteAsync(completed.Booking, CancellationToken.None));
        var gone = false;
        for (var attempt = 0; attempt < 40 && !gone; attempt++)
        {
            await device.SyncAsync(CancellationToken.None);
            gone = !(await store.GetAsync("bookableresourcebooking", completed.Booking)).Found;
            await Task.Delay(250);
        }
        Assert.True(gone, "the completed booking is still on the device");
        Assert.Equal(1, await device.ShowAsync("workorder", completed.WorkOrder, CancellationToken.None));
        Assert.Contains($"Record Not Found: workorder {completed.WorkOrder}", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Two bookings of tech1 whose work orders no other booking of tech1 points to (so completing one removes its work order).</summary>
    private static ((string Booking, string WorkOrder) Edited, (string Booking, string WorkOrder) Completed) PickTwoBookingsWithTheirOwnWorkOrders(IReadOnlyList<LocalRecord> bookings)
    {
        // Some bookings have no work order (a stock collection at the depot).
        var single = bookings.Where(b => b.Data.TryGetProperty("workorder", out var wo) && wo.ValueKind == System.Text.Json.JsonValueKind.String)
            .Select(b => (Booking: b.Id, WorkOrder: b.Data.GetProperty("workorder").GetString()!))
            .GroupBy(b => b.WorkOrder).Where(g => g.Count() == 1).Select(g => g.Single()).OrderBy(b => b.Booking, StringComparer.Ordinal).ToList();
        Assert.True(single.Count >= 2, "the demo data gives tech1 at least two work orders with one booking each");
        return (single[0], single[1]);
    }
}
