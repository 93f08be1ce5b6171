using System.Text.Json.Nodes;
using FieldSync.Client.Notifications;
using FieldSync.Client.Storage;

namespace FieldSync.Client.Tests;

/// <summary>The seed's sync notifications from the real host's answers.</summary>
[Collection(ClientHostGroup.Name)]
public sealed class NotificationTests(ClientHostFixture host)
{
    [Fact]
    public async Task SyncAsync_ManyChangesAfterTheFirstSync_LargeIncrementalSyncNotification_ThenRefreshTheView()
    {
        await using var device = await TestDevice.StartAsync(host, firstSync: false);
        var (dispatcher, agenda) = (device.Dispatcher, device.Agenda);
        // A threshold of 1: the three edits below, one per page, leave more than one still to come after the first page.
        await dispatcher.AssignProfileAsync(agenda.User, "large-" + agenda.User, new JsonObject { ["largeSyncThreshold"] = 1 });
        using var tablet = host.Client(agenda.User, agenda.Device, device.Store, pageSize: 1);
        var notifications = new List<SyncNotification>();
        tablet.Notification += (_, n) => notifications.Add(n);

        await tablet.SyncAsync();

        Assert.Equal(SyncNotificationKind.InitialDownload, notifications[0].Kind);
        Assert.All(notifications, n => Assert.Equal(SyncNotificationKind.InitialDownload, n.Kind));
        Assert.Equal(SyncNotificationState.Completed, notifications[^1].State);

        // A second device of the technician tells when all three edits are in their feed.
        await using var phoneStore = await LocalStore.OpenAsync(host.NewDatabasePath());
        using var phone = host.Client(agenda.User, agenda.Device + "-phone", phoneStore);
        await phone.SyncAsync();
        await dispatcher.EditAsync("bookableresourcebooking", agenda.Booking, new() { ["name"] = "Visit, moved" });
        await dispatcher.EditAsync("workorder", agenda.WorkOrder, new() { ["instructions"] = "Bring the ladder" });
        await dispatcher.EditAsync("account", agenda.Account, new() { ["name"] = "Account renamed" });
        await Eventually.SyncUntilAsync(phone, async () =>
            (await phoneStore.GetAsync("bookableresourcebooking", agenda.Booking)).Record?.Version == 2
            && (await phoneStore.GetAsync("workorder", agenda.WorkOrder)).Record?.Version == 2
            && (await phoneStore.GetAsync("account", agenda.Account)).Record?.Version == 2, "the three edits");
        notifications.Clear();

        var result = await tablet.SyncAsync(new SyncRequest { Force = true });

        Assert.Equal(["FORCED_SYNC"], result.SyncModes);
        Assert.True(result.Received >= 3, $"received {result.Received}");
        Assert.NotEmpty(notifications);
        Assert.All(notifications, n => Assert.Equal(SyncNotificationKind.LargeIncrementalSync, n.Kind));
        Assert.Contains(notifications, n => n.State == SyncNotificationState.InProgress && n.Pending >= 1);
        Assert.False(notifications[0].CanRefreshView);
        Assert.Equal(SyncNotificationState.Completed, notifications[^1].State);
        Assert.True(notifications[^1].CanRefreshView);
        Assert.Equal(2, (await device.Store.GetAsync("account", agenda.Account)).Record!.Version);
    }

    [Fact]
    public async Task SyncAsync_FewChanges_NoLargeSyncNotification_OfflineStatusRaised()
    {
        await using var device = await TestDevice.StartAsync(host);
        var notifications = new List<SyncNotification>();
        var offline = new List<IReadOnlyList<TableSyncStatus>>();
        device.Client.Notification += (_, n) => notifications.Add(n);
        device.Client.OfflineStatusChanged += (_, tables) => offline.Add(tables);

        await device.Client.SyncAsync(new SyncRequest { Force = true });

        Assert.Empty(notifications);
        var bookings = Assert.Single(Assert.Single(offline), t => t.Table == "bookableresourcebooking");
        Assert.NotNull(bookings.LastUpdated);
        Assert.Equal(1, bookings.Rows);
    }
}
