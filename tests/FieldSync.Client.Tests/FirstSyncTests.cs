using FieldSync.Client.Storage;

namespace FieldSync.Client.Tests;

[Collection(ClientHostGroup.Name)]
public sealed class FirstSyncTests(ClientHostFixture host)
{
    [Fact]
    public async Task SyncAsync_NewDevice_DownloadsTheAgendaWithProgressStatusAndMatchingChecksums()
    {
        await using var device = await TestDevice.StartAsync(host, firstSync: false);
        var (agenda, store, client) = (device.Agenda, device.Store, device.Client);
        var progress = new List<SyncProgress>();

        var result = await client.SyncAsync(progress: new SynchronousProgress<SyncProgress>(progress.Add));

        Assert.Equal("FIRST_SYNC", result.SyncModes[0]);
        Assert.True(result.Received >= 3, $"received {result.Received}");
        Assert.NotEmpty(progress);
        Assert.Equal(0, progress[^1].Pending);
        var booking = await store.GetAsync("bookableresourcebooking", agenda.Booking);
        Assert.True(booking.Found);
        Assert.Equal(1, booking.Record!.Version);
        Assert.Equal(agenda.WorkOrder, booking.Record.Data.GetProperty("workorder").GetString());
        Assert.True((await store.GetAsync("workorder", agenda.WorkOrder)).Found);
        Assert.NotNull(await store.GetCheckpointAsync());

        var status = await client.GetStatusAsync();
        Assert.True(status.HasSynced);
        Assert.False(status.SyncInProgress);
        Assert.Equal("field-service-mobile", status.ProfileId);
        Assert.Empty(status.IntegrityMismatches);
        var bookings = Assert.Single(status.Tables, t => t.Table == "bookableresourcebooking");
        Assert.NotNull(bookings.LastUpdated);
        Assert.Equal(1, bookings.Rows);
        Assert.True(bookings.ChecksumMatched);
    }

    [Fact]
    public async Task SyncAsync_DispatcherEditAfterFirstSync_ArrivesOnALaterSync()
    {
        await using var device = await TestDevice.StartAsync(host);
        var (dispatcher, agenda, store, client) = (device.Dispatcher, device.Agenda, device.Store, device.Client);

        await dispatcher.EditAsync("workorder", agenda.WorkOrder, new() { ["instructions"] = "Bring the long ladder" });

        await Eventually.SyncUntilAsync(client, async () => (await store.GetAsync("workorder", agenda.WorkOrder)).Record?.Version == 2, "the edited work order");
        var workOrder = (await store.GetAsync("workorder", agenda.WorkOrder)).Record!;
        Assert.Equal("Bring the long ladder", workOrder.Data.GetProperty("instructions").GetString());
        Assert.False(workOrder.HasPendingChanges);
        Assert.Empty((await client.GetStatusAsync()).IntegrityMismatches);
    }

    [Fact]
    public async Task SyncAsync_BookingCompleted_RemovesItAndItsWorkOrder_ThenRecordNotFound()
    {
        await using var device = await TestDevice.StartAsync(host);
        var (dispatcher, agenda, store, client) = (device.Dispatcher, device.Agenda, device.Store, device.Client);
        Assert.True((await store.GetAsync("bookableresourcebooking", agenda.Booking)).Found);

        await dispatcher.EditAsync("bookableresourcebooking", agenda.Booking, new() { ["bookingstatus"] = "bookingstatus-completed" });

        await Eventually.SyncUntilAsync(client, async () => !(await store.GetAsync("workorder", agenda.WorkOrder)).Found, "the work order's removal");
        var booking = await store.GetAsync("bookableresourcebooking", agenda.Booking);
        Assert.False(booking.Found);
        Assert.Null(booking.Record);
        Assert.Equal("Record Not Found", RecordLookup.RecordNotFoundTitle);
        Assert.DoesNotContain(await store.ListAsync("workorder"), w => w.Id == agenda.WorkOrder);
    }
}
