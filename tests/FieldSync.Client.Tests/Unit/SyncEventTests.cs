using FieldSync.Client.Notifications;

namespace FieldSync.Client.Tests.Unit;

/// <summary>The client's events at the end of a sync that failed: the notification goes and the status stops showing a sync.</summary>
public sealed class SyncEventTests
{
    [Fact]
    public async Task SyncAsync_ServerFails_NotificationFailed_StatusNoLongerInProgressWithTheFailure()
    {
        await using var rig = await SchedulerRig.CreateAsync(s => s.FailPulls = true);
        var statuses = new List<SyncStatus>();
        rig.Client.StatusChanged += (_, s) => statuses.Add(s);

        await Assert.ThrowsAsync<FieldSyncApiException>(() => rig.Client.SyncAsync());

        Assert.True(statuses[0].SyncInProgress);
        Assert.False(statuses[^1].SyncInProgress);
        Assert.NotNull(statuses[^1].LastSyncFailure);
        Assert.Equal([SyncNotificationState.InProgress, SyncNotificationState.Failed], rig.Notifications.Select(n => n.State));
        Assert.All(rig.Notifications, n => Assert.Equal(SyncNotificationKind.InitialDownload, n.Kind));
    }
}
