using FieldSync.Core.Profiles;
using FieldSync.Core.Push;
using FieldSync.Core.Sync;

namespace FieldSync.Core.Devices;

/// <summary>
/// Device status for the technician (<c>GET /api/sync/status</c>) and the admin fleet view: one device's status from a
/// bounded number of reads whatever the data size (the device record, the inbox head, and the profile from memory or
/// its assignment), admin resets and unbinding.
/// </summary>
public sealed class DeviceStatusService(IDeviceRegistry devices, IInbox inbox, IProfileStore profiles)
{
    /// <summary>How often an unbind retries when the record keeps changing under it (the device is syncing).</summary>
    private const int RemoveAttempts = 5;

    public async Task<DeviceStatus?> GetAsync(string deviceId, CancellationToken cancellationToken)
    {
        var headRead = inbox.GetHeadAsync(deviceId, cancellationToken);
        var device = await devices.GetAsync(deviceId, cancellationToken);
        var head = await headRead;
        if (device is null)
        {
            return null;
        }
        // The profile the last pull was answered with, from memory; a device that never pulled shows its user's assignment.
        var profile = device.ProfileId is { } pid
            ? await profiles.GetRevisionAsync(pid, device.ProfileRevision, cancellationToken)
            : await profiles.GetAsync(await profiles.GetAssignmentAsync(device.UserId, cancellationToken), cancellationToken);
        return Build(device, head, profile);
    }

    /// <summary>The status of <paramref name="device"/> given its inbox head and profile (null: the profile is gone).</summary>
    public static DeviceStatus Build(DeviceRegistration device, InboxHead head, OfflineProfile? profile)
    {
        var settings = profile?.Settings ?? ProfileSettings.Default;
        var notAllowed = new List<string>();
        if (device.UserSettings is { } chosen)
        {
            if (chosen.WifiOnly && !settings.AllowWifiOnlySync)
            {
                notAllowed.Add("wifiOnly");
            }
            if (chosen.SyncFrequency != SyncFrequencies.Auto && !settings.AllowAdjustSyncFrequency)
            {
                notAllowed.Add("syncFrequency");
            }
        }
        // Unresolved: recorded since the device's current database began.
        var errors = Math.Max(0, head.ErrorCount - device.ErrorBaseline);
        var latest = head.RecentErrors.Where(e => e.Number > device.ErrorBaseline).ToList();
        return new DeviceStatus(
            device.DeviceId,
            device.UserId,
            device.RegisteredOn,
            device.LastSeenOn,
            device.LastPull is { HasMore: true },
            device.LastPull,
            head.AcceptedSequence > 0 ? new DevicePush(head.LastAcceptedOn, head.AcceptedSequence) : null,
            device.AppVersion,
            device.Platform,
            device.ProfileId ?? profile?.Id,
            device.ProfileRevision,
            new PendingUploads(head.PendingBatches, head.PendingChanges),
            new DeviceSyncErrors(errors, latest),
            device.Tables,
            new DeviceSyncSettings(settings.AllowWifiOnlySync, settings.AllowAdjustSyncFrequency, settings.AllowOnlineMode, device.UserSettings, notAllowed),
            device.PendingReset,
            device.Generation);
    }

    /// <summary>Marks the device for a reset its next pull carries out; false when the device is not registered.</summary>
    public Task<bool> RequestResetAsync(string deviceId, string adminUserId, DateTimeOffset now, CancellationToken cancellationToken)
        => devices.RequestResetAsync(deviceId, new DeviceReset(DeviceResetReasons.Admin, now, adminUserId), cancellationToken);

    /// <summary>
    /// Unbinds the device (its record and its entry in the user's index). Its checkpoints stop working: its next pull
    /// with one is answered with a reset (<see cref="DeviceResetReasons.DeviceRemoved"/>). Its inbox is untouched: what
    /// it pushed is still applied. False when the device is not registered.
    /// </summary>
    public async Task<bool> RemoveAsync(string deviceId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < RemoveAttempts; attempt++)
        {
            if (await devices.GetAsync(deviceId, cancellationToken) is not { } device)
            {
                return false;
            }
            if (await devices.RemoveAsync(device, cancellationToken))
            {
                return true;
            }
        }
        throw new InvalidOperationException($"Device '{deviceId}' kept changing while it was being removed.");
    }
}
