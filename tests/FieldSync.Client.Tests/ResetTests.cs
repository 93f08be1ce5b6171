using FieldSync.Client.Storage;

namespace FieldSync.Client.Tests;

[Collection(ClientHostGroup.Name)]
public sealed class ResetTests(ClientHostFixture host)
{
    [Fact]
    public async Task SyncAsync_AdminResetTheDevice_ClearsTheDatabaseAndRunsAFirstSync()
    {
        await using var device = await TestDevice.StartAsync(host);
        var (dispatcher, agenda, store, client) = (device.Dispatcher, device.Agenda, device.Store, device.Client);
        var before = await store.GetCheckpointAsync();

        // The booking leaves the profile while the device is not syncing; a first download sends no removals, so only
        // clearing the database takes it off the device.
        await dispatcher.EditAsync("bookableresourcebooking", agenda.Booking, new() { ["bookingstatus"] = "bookingstatus-completed" });
        await WaitUntilServerDroppedAsync(agenda, "bookableresourcebooking", agenda.Booking);
        await dispatcher.ResetDeviceAsync(agenda.Device);
        var result = await client.SyncAsync();

        Assert.Equal("admin", result.ResetReason);
        Assert.Equal("FIRST_SYNC", result.SyncModes[0]);
        Assert.NotEqual(before, await store.GetCheckpointAsync());
        Assert.False((await store.GetAsync("bookableresourcebooking", agenda.Booking)).Found);
        Assert.True((await client.GetStatusAsync()).HasSynced);
        var next = await client.SyncAsync();
        Assert.Null(next.ResetReason);
        Assert.DoesNotContain("FIRST_SYNC", next.SyncModes);
    }

    /// <summary>The server's fan-out runs on queues: wait until the device's offline data on the server no longer has the record.</summary>
    private async Task WaitUntilServerDroppedAsync(Agenda agenda, string table, string id)
    {
        using var technician = host.As(agenda.User, FieldSync.Core.Security.Roles.Technician);
        for (var attempt = 0; attempt < 60; attempt++)
        {
            using var response = await technician.GetAsync(new Uri($"api/sync/records/{table}/{id}?deviceId={agenda.Device}", UriKind.Relative));
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"{table}/{id} is still in {agenda.Device}'s offline data on the server");
    }

    [Fact]
    public async Task ResetAsync_UnsentChange_RefusesUntilTheUserConfirmsLosingIt()
    {
        await using var device = await TestDevice.StartAsync(host);
        var (dispatcher, agenda, store, client) = (device.Dispatcher, device.Agenda, device.Store, device.Client);
        await store.UpdateAsync("workorder", agenda.WorkOrder, new() { ["instructions"] = "never sent" });

        var refused = await Assert.ThrowsAsync<UnsentChangesException>(() => client.ResetAsync());
        Assert.Equal(1, refused.UnsentChanges);
        Assert.Equal("never sent", (await store.GetAsync("workorder", agenda.WorkOrder)).Record!.Data.GetProperty("instructions").GetString());
        Assert.NotNull(await store.GetCheckpointAsync());

        await client.ResetAsync(ResetOptions.DiscardUnsentChanges);

        Assert.Null(await store.GetCheckpointAsync());
        Assert.False((await store.GetAsync("workorder", agenda.WorkOrder)).Found);
        var status = await client.GetStatusAsync();
        Assert.Equal(0, status.PendingUploads);
        Assert.False(status.HasSynced);
        var result = await client.SyncAsync();
        Assert.Equal("FIRST_SYNC", result.SyncModes[0]);
        Assert.Equal(0, result.BatchesPushed);
        var workOrder = (await store.GetAsync("workorder", agenda.WorkOrder)).Record!;
        Assert.Equal(1, workOrder.Version);
        Assert.False(workOrder.Data.TryGetProperty("instructions", out var instructions) && instructions.GetString() == "never sent");
    }
}
