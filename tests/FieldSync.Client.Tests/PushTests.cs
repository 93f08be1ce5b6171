using System.Text.Json;
using FieldSync.Client.Storage;

namespace FieldSync.Client.Tests;

[Collection(ClientHostGroup.Name)]
public sealed class PushTests(ClientHostFixture host)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SyncAsync_TechnicianAndDispatcherEditTheSameWorkOrder_FollowsConflictDetection(bool conflictDetection)
    {
        host.SetConflictDetection(conflictDetection);
        try
        {
            await using var device = await TestDevice.StartAsync(host);
            var (dispatcher, agenda, store, client) = (device.Dispatcher, device.Agenda, device.Store, device.Client);

            // The seed's example: the dispatcher changes one field, the offline technician another, of the same record.
            await dispatcher.EditAsync("workorder", agenda.WorkOrder, new() { ["instructions"] = "dispatcher: call before arriving" });
            var local = await store.UpdateAsync("workorder", agenda.WorkOrder, new() { ["instructions"] = "technician: replaced the valve" });
            Assert.Equal(LocalWriteStatus.Queued, local.Status);
            Assert.True(local.Record!.HasPendingChanges);

            await Eventually.SyncUntilAsync(client, async () => (await client.GetStatusAsync()).PendingUploads == 0
                && (await store.GetAsync("workorder", agenda.WorkOrder)).Record is { HasPendingChanges: false }, "the push's outcome");

            var server = await dispatcher.ReadAsync("workorder", agenda.WorkOrder);
            var status = await client.GetStatusAsync();
            if (conflictDetection)
            {
                Assert.Equal("dispatcher: call before arriving", server.GetProperty("instructions").GetString());
                var error = Assert.Single(status.SyncErrors);
                Assert.Equal("rejected", error.Status);
                Assert.Equal("Conflict", error.Reason);
                Assert.Equal(agenda.WorkOrder, error.RecordId);
                Assert.NotNull(error.ServerErrorId);
                Assert.Contains("dispatcher: call before arriving", error.CurrentJson, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal("technician: replaced the valve", server.GetProperty("instructions").GetString());
                Assert.Empty(status.SyncErrors);
            }
            // Either way the device ends holding what the server holds.
            await Eventually.SyncUntilAsync(client, async () => (await store.GetAsync("workorder", agenda.WorkOrder)).Record!.Version == server.GetProperty("version").GetInt64(), "the server's version");
            Assert.Equal(server.GetProperty("instructions").GetString(), (await store.GetAsync("workorder", agenda.WorkOrder)).Record!.Data.GetProperty("instructions").GetString());
        }
        finally
        {
            host.SetConflictDetection(false);
        }
    }

    [Fact]
    public async Task SyncAsync_ChangesQueuedThenAppRestarted_PushesThemCoalescedInTheirOrder()
    {
        using var dispatcher = host.Dispatcher();
        var agenda = await dispatcher.NewTechnicianAsync();
        var path = host.NewDatabasePath();
        await using (var store = await LocalStore.OpenAsync(path))
        {
            using var client = host.Client(agenda.User, agenda.Device, store);
            await client.SyncAsync();
            Assert.Equal(LocalWriteStatus.Queued, (await store.UpdateAsync("workorder", agenda.WorkOrder, new() { ["instructions"] = "first" })).Status);
            Assert.Equal(LocalWriteStatus.Queued, (await store.UpdateAsync("bookableresourcebooking", agenda.Booking, new() { ["name"] = "Visit (started)" })).Status);
            Assert.Equal(LocalWriteStatus.Coalesced, (await store.UpdateAsync("workorder", agenda.WorkOrder, new() { ["instructions"] = "second" })).Status);
        }

        // The app is killed and started again: the queue is read back from the file.
        using var transport = new RecordingTransport();
        await using var reopened = await LocalStore.OpenAsync(path);
        Assert.Equal(2, (await reopened.SnapshotAsync(CancellationToken.None)).PendingUploads);
        using var restarted = host.Client(agenda.User, agenda.Device, reopened, transport);
        var result = await restarted.SyncAsync();

        Assert.Equal(1, result.BatchesPushed);
        var body = JsonDocument.Parse(Assert.Single(transport.PushBodies)).RootElement;
        var changes = body.GetProperty("changes").EnumerateArray().ToList();
        Assert.Equal([agenda.WorkOrder, agenda.Booking], changes.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("second", changes[0].GetProperty("values").GetProperty("instructions").GetString());
        Assert.Equal(1, changes[0].GetProperty("baseVersion").GetInt64());
        // The whole row goes up, not only the changed column: conflicts are per record.
        Assert.Equal(agenda.Account, changes[0].GetProperty("values").GetProperty("serviceaccount").GetString());
        await Eventually.SyncUntilAsync(restarted, async () => (await restarted.GetStatusAsync()).PendingUploads == 0, "both outcomes");
        Assert.Equal("second", (await dispatcher.ReadAsync("workorder", agenda.WorkOrder)).GetProperty("instructions").GetString());
        Assert.Equal("Visit (started)", (await dispatcher.ReadAsync("bookableresourcebooking", agenda.Booking)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task SyncAsync_PushAnswerLost_RetriesTheSameBatchAndTheChangeAppliesOnce()
    {
        using var transport = new RecordingTransport(dropFirstPushAnswer: true);
        await using var device = await TestDevice.StartAsync(host, transport: transport);
        var (dispatcher, agenda, store, client) = (device.Dispatcher, device.Agenda, device.Store, device.Client);
        await store.UpdateAsync("workorder", agenda.WorkOrder, new() { ["instructions"] = "sent once" });

        var result = await client.SyncAsync();

        Assert.Equal(1, result.BatchesPushed);
        var bodies = transport.PushBodies.ToList();
        Assert.Equal(2, bodies.Count);
        Assert.Equal(bodies[0], bodies[1]);
        await Eventually.SyncUntilAsync(client, async () => (await store.GetAsync("workorder", agenda.WorkOrder)).Record is { Version: 2, HasPendingChanges: false }, "the applied change");
        var server = await dispatcher.ReadAsync("workorder", agenda.WorkOrder);
        Assert.Equal(2, server.GetProperty("version").GetInt64());
        Assert.Equal("sent once", server.GetProperty("instructions").GetString());
        Assert.Empty((await client.GetStatusAsync()).SyncErrors);
    }

    [Fact]
    public async Task SyncAsync_DatabaseRestoredFromABackup_RenumbersTheBatchAboveTheServersSequence()
    {
        await using var device = await TestDevice.StartAsync(host);
        var backup = host.NewDatabasePath();
        // A file-level backup while nothing writes: the database and its write-ahead log.
        File.Copy(device.DatabasePath, backup);
        if (File.Exists(device.DatabasePath + "-wal"))
        {
            File.Copy(device.DatabasePath + "-wal", backup + "-wal");
        }
        await device.Store.UpdateAsync("workorder", device.Agenda.WorkOrder, new() { ["instructions"] = "before the backup was restored" });
        Assert.Equal(1, (await device.Client.SyncAsync()).BatchesPushed);

        using var transport = new RecordingTransport();
        await using var restored = await LocalStore.OpenAsync(backup);
        using var client = host.Client(device.Agenda.User, device.Agenda.Device, restored, transport);
        await restored.UpdateAsync("workorder", device.Agenda.WorkOrder, new() { ["instructions"] = "after the restore" });
        var result = await client.SyncAsync();

        Assert.Equal(1, result.BatchesPushed);
        var sequences = transport.PushBodies.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal([1L, 2L], sequences);
        await Eventually.SyncUntilAsync(client, async () => (await client.GetStatusAsync()).PendingUploads == 0, "the renumbered batch's outcome");
        Assert.Equal("after the restore", (await device.Dispatcher.ReadAsync("workorder", device.Agenda.WorkOrder)).GetProperty("instructions").GetString());
    }
}
