using System.Text.Json.Nodes;
using FieldSync.Client.Online;

namespace FieldSync.Client.Tests;

/// <summary>Online mode through the SDK on the real host: live reads, reads that never touch the local database, and the fall back to it.</summary>
[Collection(ClientHostGroup.Name)]
public sealed class OnlineReadTests(ClientHostFixture host)
{
    private static async Task<TestDevice> OnlineDeviceAsync(ClientHostFixture host)
    {
        var device = await TestDevice.StartAsync(host, firstSync: false);
        await device.Dispatcher.AssignProfileAsync(device.Agenda.User, "online-" + device.Agenda.User,
            new JsonObject { ["allowOnlineMode"] = true, ["onlineTables"] = new JsonArray("workorder", "account") });
        await device.Client.SyncAsync();
        return device;
    }

    [Fact]
    public async Task GetOnlineAsync_DispatcherEdit_ReadLiveWhileTheLocalDatabaseStaysAsItWas()
    {
        await using var device = await OnlineDeviceAsync(host);
        var (agenda, store, client) = (device.Agenda, device.Store, device.Client);
        Assert.True((await client.GetProfileAsync())!.OpensOnline("workorder"));
        await device.Dispatcher.EditAsync("workorder", agenda.WorkOrder, new() { ["instructions"] = "Seen live" });
        var checkpoint = await store.GetCheckpointAsync();

        var live = await client.GetOnlineAsync("workorder", agenda.WorkOrder);

        Assert.False(live.FromOffline);
        Assert.Null(live.OfflineReason);
        Assert.Equal(2, live.Record!.Version);
        Assert.Equal("Seen live", live.Record.Data.GetProperty("instructions").GetString());
        Assert.Equal(1, (await store.GetAsync("workorder", agenda.WorkOrder)).Record!.Version);
        Assert.Equal(checkpoint, await store.GetCheckpointAsync());
        Assert.Equal(ServiceAvailability.Available, client.Availability);

        var missing = await client.GetOnlineAsync("workorder", "wo-never-" + agenda.User);
        Assert.False(missing.Found);
        Assert.False(missing.FromOffline);

        var accounts = await client.QueryOnlineAsync("account", new OnlineQuery { Filter = $"id eq '{agenda.Account}'" });
        Assert.False(accounts.FromOffline);
        Assert.Equal([agenda.Account], accounts.Records.Select(r => r.Id));

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetOnlineAsync("product", "product-001"));
    }

    [Fact]
    public async Task GetOnlineAsync_ServerUnreachable_FallsBackToTheLocalDatabaseAndSaysSo()
    {
        await using var device = await OnlineDeviceAsync(host);
        var (agenda, store) = (device.Agenda, device.Store);
        using var cutOff = host.Client(agenda.User, agenda.Device, store, server: SilentListener.ClosedPort());

        var record = await cutOff.GetOnlineAsync("workorder", agenda.WorkOrder);
        var list = await cutOff.QueryOnlineAsync("workorder", new OnlineQuery { Filter = "name eq 'anything'" });

        Assert.True(record.FromOffline);
        Assert.NotNull(record.OfflineReason);
        Assert.Equal(1, record.Record!.Version);
        Assert.Equal(agenda.WorkOrder, record.Record.Data.GetProperty("id").GetString());
        Assert.True(list.FromOffline);
        Assert.Null(list.Continuation);
        Assert.Equal([agenda.WorkOrder], list.Records.Select(r => r.Id));
        Assert.Equal(ServiceAvailability.Unavailable, cutOff.Availability);
        Assert.Equal("Network disconnected. Switch to offline mode to continue working with the app", OnlinePageResult.NetworkDisconnectedMessage);
    }
}
