using FieldSync.Client.Notifications;
using FieldSync.Client.Scheduling;

namespace FieldSync.Client.Tests.Unit;

/// <summary>The scheduler on a fake clock and a fake network: due times, the app's activity, the user's choices, the health gate.</summary>
public sealed class SyncSchedulerTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Start_ActiveAndOnline_FirstSyncsThenSchedulesByTheShortestEffectiveInterval()
    {
        await using var rig = await SchedulerRig.CreateAsync();

        await rig.StartActiveAsync();

        Assert.Equal(["FIRST_SYNC"], rig.Server.Modes);
        var schedule = await rig.Scheduler.GetScheduleAsync();
        Assert.Equal(SchedulerRig.Start.AddMinutes(5), Assert.Single(schedule, t => t.Table == "bookableresourcebooking").DueAt);
        Assert.Equal(SchedulerRig.Start.AddMinutes(15), Assert.Single(schedule, t => t.Table == "workorderproduct").DueAt);
        Assert.Equal(SchedulerRig.Start.AddDays(1), Assert.Single(schedule, t => t.Table == "product").DueAt);
        Assert.Equal(TimeSpan.FromMinutes(15), Assert.Single(schedule, t => t.Table == "workorderproduct").EffectiveSyncInterval);
        Assert.Equal(SchedulerRig.Start.AddMinutes(5), rig.Scheduler.Status!.NextSyncAt);

        await rig.AdvanceAsync(4 * Minute);
        Assert.Equal(1, rig.Server.Pulls);

        await rig.AdvanceAsync(Minute);
        Assert.Equal(["FIRST_SYNC", "DELTA_SYNC"], rig.Server.Modes);
        Assert.Equal(SchedulerRig.Start.AddMinutes(10), rig.Scheduler.Status!.NextSyncAt);
        Assert.True(rig.Server.HealthChecks >= 2, "a health check runs before each scheduled sync");
    }

    [Fact]
    public async Task Start_AfterARestartWithNothingDue_OfflineUntilTheHealthCheckAnswers_ThenConnectedWithoutAPull()
    {
        await using var rig = await SchedulerRig.CreateAsync();
        await rig.StartActiveAsync();
        var checks = rig.Server.HealthChecks;
        using var restarted = rig.Restarted();
        await using var scheduler = new SyncScheduler(restarted, rig.Network, time: rig.Clock) { IsAppActive = true };
        Assert.Equal(ServiceAvailability.Unknown, restarted.Availability);

        scheduler.Start();
        await scheduler.WhenIdleAsync();

        Assert.Equal(checks + 1, rig.Server.HealthChecks);
        Assert.Equal(ServiceAvailability.Available, restarted.Availability);
        Assert.True(scheduler.Status!.IsConnected);
        Assert.Null(scheduler.Status.Message);
        Assert.Equal(1, rig.Server.Pulls);
        Assert.Equal(SchedulerRig.Start.AddMinutes(5), scheduler.Status.NextSyncAt);
        Assert.False(new DeviceStatus(NetworkKind.WiFi, ServiceAvailability.Unknown, false, 0, 0, null, SyncHeldBack.Nothing, null).IsConnected);
    }

    [Fact]
    public async Task ServerClockAhead_DueTimesMovedOntoTheDevicesClock()
    {
        await using var rig = await SchedulerRig.CreateAsync(s => s.ServerAhead = TimeSpan.FromMinutes(30));

        await rig.StartActiveAsync();

        // The server says "due at its 08:35"; on the device that is 08:05, not half an hour of pulling for nothing.
        var bookings = Assert.Single(await rig.Scheduler.GetScheduleAsync(), t => t.Table == "bookableresourcebooking");
        Assert.Equal(SchedulerRig.Start.AddMinutes(5), bookings.DueAt);
        await rig.AdvanceAsync(5 * Minute);
        Assert.Equal(2, rig.Server.Pulls);
    }

    [Fact]
    public async Task IsAppActiveFalse_NoSyncStarts_UntilTheAppIsActiveAgain()
    {
        await using var rig = await SchedulerRig.CreateAsync();
        rig.Scheduler.Start();
        await rig.Scheduler.WhenIdleAsync();

        await rig.AdvanceAsync(TimeSpan.FromHours(2));

        Assert.Equal(0, rig.Server.Pulls);
        Assert.Equal(SyncHeldBack.AppInactive, rig.Scheduler.Status!.HeldBack);

        rig.Scheduler.IsAppActive = true;
        await rig.Scheduler.WhenIdleAsync();
        Assert.Equal(["FIRST_SYNC"], rig.Server.Modes);

        rig.Scheduler.IsAppActive = false;
        await rig.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(1, rig.Server.Pulls);
    }

    [Fact]
    public async Task NoNetwork_HoldsBackWithTheSeedsMessage_ThenSyncsWhenTheNetworkReturns()
    {
        await using var rig = await SchedulerRig.CreateAsync(network: NetworkKind.None);

        await rig.StartActiveAsync();

        Assert.Equal(0, rig.Server.Pulls);
        Assert.Equal(SyncHeldBack.NoNetwork, rig.Scheduler.Status!.HeldBack);
        Assert.Equal("Network or Service Unavailable", rig.Scheduler.Status.Message);
        Assert.False(rig.Scheduler.Status.IsConnected);

        rig.Network.Switch(NetworkKind.Cellular);
        await rig.Scheduler.WhenIdleAsync();
        Assert.Equal(1, rig.Server.Pulls);
        Assert.Null(rig.Scheduler.Status!.Message);
    }

    [Fact]
    public async Task WifiOnly_AllowedByTheProfile_WaitsForWiFiOnCellular()
    {
        await using var rig = await SchedulerRig.CreateAsync();
        await rig.StartActiveAsync();
        rig.Scheduler.UserSettings = new UserSyncSettings { WifiOnly = true };
        rig.Network.Switch(NetworkKind.Cellular);

        await rig.AdvanceAsync(TimeSpan.FromMinutes(30));

        Assert.Equal(1, rig.Server.Pulls);
        Assert.Equal(SyncHeldBack.WaitingForWiFi, rig.Scheduler.Status!.HeldBack);
        Assert.Null(await rig.Scheduler.SyncNowAsync());
        Assert.Equal(1, rig.Server.Pulls);

        rig.Network.Switch(NetworkKind.WiFi);
        await rig.Scheduler.WhenIdleAsync();
        Assert.Equal(2, rig.Server.Pulls);
        Assert.Equal(SyncHeldBack.Nothing, rig.Scheduler.Status!.HeldBack);
    }

    [Fact]
    public async Task WifiOnly_NotAllowedByTheProfile_SyncsOnCellularAndStillReportsTheChoice()
    {
        await using var rig = await SchedulerRig.CreateAsync(s => s.AllowWifiOnlySync = false);
        await rig.StartActiveAsync();
        rig.Scheduler.UserSettings = new UserSyncSettings { WifiOnly = true };
        rig.Network.Switch(NetworkKind.Cellular);

        await rig.AdvanceAsync(5 * Minute);

        Assert.Equal(2, rig.Server.Pulls);
        var sent = rig.Server.PullBodies.Last().GetProperty("userSettings");
        Assert.True(sent.GetProperty("wifiOnly").GetBoolean());
        Assert.Equal("auto", sent.GetProperty("syncFrequency").GetString());
    }

    [Fact]
    public async Task Manual_NeverSyncsOnItsOwn_CheckForUpdatesDoes()
    {
        await using var rig = await SchedulerRig.CreateAsync();
        await rig.StartActiveAsync();
        rig.Scheduler.UserSettings = new UserSyncSettings { Frequency = SyncFrequency.Manual };

        await rig.AdvanceAsync(TimeSpan.FromDays(2));

        Assert.Equal(1, rig.Server.Pulls);
        Assert.Equal(SyncHeldBack.Manual, rig.Scheduler.Status!.HeldBack);
        Assert.Null(rig.Scheduler.Status.NextSyncAt);

        var result = await rig.Scheduler.SyncNowAsync();
        await rig.Scheduler.WhenIdleAsync();

        Assert.NotNull(result);
        Assert.Equal(["FIRST_SYNC", "FORCED_SYNC"], rig.Server.Modes);
        Assert.Equal("manual", rig.Server.PullBodies.Last().GetProperty("userSettings").GetProperty("syncFrequency").GetString());
    }

    [Fact]
    public async Task Manual_NotAllowedByTheProfile_KeepsTheAdminsIntervals()
    {
        await using var rig = await SchedulerRig.CreateAsync(s => s.AllowAdjustSyncFrequency = false);
        await rig.StartActiveAsync();
        rig.Scheduler.UserSettings = new UserSyncSettings { Frequency = SyncFrequency.Manual };

        await rig.AdvanceAsync(5 * Minute);

        Assert.Equal(2, rig.Server.Pulls);
    }

    [Fact]
    public async Task LongerInterval_WaitsForTheUsersIntervalAndSendsIt()
    {
        await using var rig = await SchedulerRig.CreateAsync();
        rig.Scheduler.UserSettings = UserSyncSettings.Every(60);
        await rig.StartActiveAsync();

        await rig.AdvanceAsync(30 * Minute);
        Assert.Equal(1, rig.Server.Pulls);
        Assert.Equal(SchedulerRig.Start.AddHours(1), rig.Scheduler.Status!.NextSyncAt);

        await rig.AdvanceAsync(30 * Minute);
        Assert.Equal(2, rig.Server.Pulls);
        var sent = rig.Server.PullBodies.Last().GetProperty("userSettings");
        Assert.Equal("interval", sent.GetProperty("syncFrequency").GetString());
        Assert.Equal(60, sent.GetProperty("intervalMinutes").GetInt32());
        Assert.False(sent.GetProperty("wifiOnly").GetBoolean());
    }

    [Fact]
    public async Task GoingInactiveDuringASync_TheSyncFinishesInTheBackground_AndNoOtherStarts()
    {
        await using var rig = await SchedulerRig.CreateAsync();
        await rig.StartActiveAsync();
        rig.Server.HoldPulls = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = rig.Server.PullArrived.Task;

        rig.Clock.Advance(5 * Minute);
        await arrived.WaitAsync(TimeSpan.FromSeconds(10));
        rig.Scheduler.IsAppActive = false;
        rig.Server.HoldPulls.SetResult();
        await rig.Scheduler.WhenIdleAsync();

        Assert.Equal("cp-2", await rig.Temp.Store.GetCheckpointAsync());
        Assert.True((await rig.Temp.Store.GetAsync("bookableresourcebooking", "bk-2")).Found, "the background sync's page was applied");
        Assert.False(rig.Scheduler.Status!.SyncInProgress);
        Assert.Equal(SyncHeldBack.AppInactive, rig.Scheduler.Status.HeldBack);

        await rig.AdvanceAsync(TimeSpan.FromHours(1));
        Assert.Equal(2, rig.Server.Pulls);
    }

    [Fact]
    public async Task HealthCheckFails_NetworkOrServiceUnavailable_NoSyncUntilItAnswersAgain()
    {
        await using var rig = await SchedulerRig.CreateAsync(s => s.Healthy = false);

        await rig.StartActiveAsync();

        Assert.Equal(0, rig.Server.Pulls);
        Assert.Equal(ServiceAvailability.Unavailable, rig.Client.Availability);
        Assert.Equal(SyncHeldBack.ServiceUnavailable, rig.Scheduler.Status!.HeldBack);
        Assert.Equal(HealthCheckResult.NetworkOrServiceUnavailable, rig.Scheduler.Status.Message);

        await rig.AdvanceAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, rig.Server.Pulls);
        Assert.Equal(2, rig.Server.HealthChecks);

        rig.Server.Healthy = true;
        await rig.AdvanceAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, rig.Server.Pulls);
        Assert.Null(rig.Scheduler.Status!.Message);
        Assert.Contains(rig.Statuses, s => s.Message == "Network or Service Unavailable");
    }

    [Fact]
    public async Task RefreshAsync_TableRefreshNotification_InProgressThenCompleted()
    {
        await using var rig = await SchedulerRig.CreateAsync();
        await rig.StartActiveAsync();
        Assert.Equal(SyncNotificationKind.InitialDownload, rig.Notifications[0].Kind);
        Assert.Equal(SyncNotificationState.Completed, rig.Notifications[^1].State);
        rig.Notifications.Clear();

        var result = await rig.Scheduler.RefreshAsync(["workorder"]);

        Assert.NotNull(result);
        Assert.Equal(["workorder"], rig.Server.PullBodies.Last().GetProperty("tables").EnumerateArray().Select(t => t.GetString()));
        Assert.All(rig.Notifications, n => Assert.Equal(SyncNotificationKind.TableRefresh, n.Kind));
        Assert.Equal(SyncNotificationState.InProgress, rig.Notifications[0].State);
        Assert.Equal(SyncNotificationState.Completed, rig.Notifications[^1].State);
        Assert.Equal(["workorder"], rig.Notifications[^1].Tables);
        Assert.False(rig.Notifications[^1].CanRefreshView);
    }

    [Fact]
    public async Task LocalEdit_DeviceStatusCountsThePendingUpload()
    {
        await using var rig = await SchedulerRig.CreateAsync();
        await rig.StartActiveAsync();
        Assert.Equal(0, rig.Scheduler.Status!.PendingUploads);

        await rig.Temp.Store.UpdateAsync("bookableresourcebooking", "bk-1", new() { ["name"] = "edited offline" });
        await rig.Scheduler.WhenIdleAsync();

        Assert.Equal(1, rig.Scheduler.Status!.PendingUploads);
    }
}
