using FieldSync.Client.Scheduling;
using FieldSync.Client.Tests.Unit;

namespace FieldSync.Client.Tests;

/// <summary>The scheduler on the real host: its first sync, and the user's choices reaching the device record an admin reads.</summary>
[Collection(ClientHostGroup.Name)]
public sealed class UserSettingsTests(ClientHostFixture host)
{
    [Fact]
    public async Task Scheduler_UserChoices_RecordedInTheDeviceStatus_FlaggedWhereTheProfileDoesNotAllowThem()
    {
        await using var device = await TestDevice.StartAsync(host, firstSync: false);
        var (agenda, client) = (device.Agenda, device.Client);
        await using var scheduler = new SyncScheduler(client, new FakeNetwork(NetworkKind.WiFi)) { UserSettings = UserSyncSettings.Every(60, wifiOnly: true), IsAppActive = true };

        scheduler.Start();
        await scheduler.WhenIdleAsync();

        Assert.True((await client.GetStatusAsync()).HasSynced, "the scheduler ran the first sync");
        Assert.Equal(SyncHeldBack.Nothing, scheduler.Status!.HeldBack);
        Assert.True(scheduler.Status.IsConnected);
        var settings = (await host.DeviceStatusAsync(agenda.User, agenda.Device)).GetProperty("settings");
        var user = settings.GetProperty("user");
        Assert.True(user.GetProperty("wifiOnly").GetBoolean());
        Assert.Equal("interval", user.GetProperty("syncFrequency").GetString());
        Assert.Equal(60, user.GetProperty("intervalMinutes").GetInt32());
        // The default profile allows neither choice: the admin sees why the device behaves as it does.
        Assert.Equal(["wifiOnly", "syncFrequency"], settings.GetProperty("notAllowed").EnumerateArray().Select(v => v.GetString()));

        scheduler.UserSettings = new UserSyncSettings { Frequency = SyncFrequency.Manual };
        Assert.NotNull(await scheduler.SyncNowAsync());

        user = (await host.DeviceStatusAsync(agenda.User, agenda.Device)).GetProperty("settings").GetProperty("user");
        Assert.Equal("manual", user.GetProperty("syncFrequency").GetString());
        Assert.False(user.GetProperty("wifiOnly").GetBoolean());
    }
}
