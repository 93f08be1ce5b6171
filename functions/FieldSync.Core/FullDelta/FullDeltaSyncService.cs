using FieldSync.Core.Devices;
using FieldSync.Core.Profiles;
using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>
/// Full delta sync (Power Apps' Device Status "Refresh"): a device re-checks every local record without downloading it
/// again. <see cref="VerifyAsync"/> compares the device's count and checksum per table with its bucket's and lists the
/// ids and versions of the tables that differ; <see cref="FetchAsync"/> returns the rows the device is missing or holds
/// at another version. Both take the device's checkpoint and check it exactly as the pull does. One file per operation.
/// </summary>
public sealed partial class FullDeltaSyncService(
    IFeedStore feed,
    IDeviceRegistry devices,
    IProfileStore profiles,
    ScopeMaintainer maintainer,
    VerifyRequestValidator verifyValidator,
    FetchRequestValidator fetchValidator,
    TimeProvider clock)
{
    /// <summary>
    /// The pull's checks, in an order that answers the clearest thing first: another user's device (403), a checkpoint not
    /// issued to this device and user (400), a device removed or with an admin reset pending (409 reset-required: the
    /// device pulls, and the pull answers with the reset and a fresh download), a checkpoint of an older database (409).
    /// Reads the device record and the user's scope head (in parallel), as the pull does; writes nothing.
    /// </summary>
    private async Task<(DeviceSession? Session, FullDeltaFailure Failure, string? Detail, string Field)> OpenAsync(
        string userId, string deviceId, string token, CancellationToken cancellationToken)
    {
        var userHeadRead = feed.GetHeadAsync(ScopeIds.ForUser(userId), cancellationToken);
        var device = await devices.GetAsync(deviceId, cancellationToken);
        var userHead = await userHeadRead;
        if (device is not null && device.UserId != userId)
        {
            return (null, FullDeltaFailure.DeviceOfOtherUser, $"Device '{deviceId}' is registered to another user.", "deviceId");
        }
        if (!Checkpoint.TryDecode(token, out var checkpoint) || checkpoint!.DeviceId != deviceId || checkpoint.UserId != userId)
        {
            return (null, FullDeltaFailure.InvalidCheckpoint,
                "The checkpoint is not one this server issued to this device and user. Pull without a checkpoint (a first sync).", "checkpoint");
        }
        if (device is null || device.PendingReset is not null)
        {
            var reason = device is null ? DeviceResetReasons.DeviceRemoved : device.PendingReset!.Reason;
            return (null, FullDeltaFailure.ResetRequired,
                $"This device is to be reset ({reason}). Pull with your checkpoint: the answer carries the reset and the first page of a fresh download.", "deviceId");
        }
        if (checkpoint.Generation != device.Generation)
        {
            return (null, FullDeltaFailure.CheckpointSuperseded,
                "This checkpoint belongs to an older database of this device: a first sync was started on the device since. Clear the local database and pull without a checkpoint.",
                "checkpoint");
        }
        OfflineProfile? profile = userHead?.ProfileId is { } pid ? await profiles.GetRevisionAsync(pid, userHead.ProfileRevision, cancellationToken) : null;
        var session = profile is null || userHead is null ? null : new DeviceSession(device, checkpoint, profile, userHead);
        if (session is null)
        {
            // The user's scope is gone or names a profile this instance cannot load: build it as the pull would.
            var (built, builtHead, shared) = await maintainer.EnsureScopesAsync(userId, cancellationToken, deviceId);
            session = new DeviceSession(device, checkpoint, built, builtHead) { SharedHead = shared };
        }
        return (session, FullDeltaFailure.None, null, "");
    }

    /// <summary>
    /// A validated request's device session, or the refusal to answer: the validator's errors when <paramref name="valid"/>
    /// is null, else what <see cref="OpenAsync"/> found wrong.
    /// </summary>
    private async Task<(DeviceSession? Session, FullDeltaOutcome<TResult>? Refusal)> StartAsync<TResult>(string userId, IDeviceRequest? valid,
        List<Records.FieldError> errors, CancellationToken cancellationToken)
        where TResult : class
    {
        if (valid is null)
        {
            return (null, FullDeltaOutcomes.Invalid<TResult>(errors));
        }
        var (session, failure, detail, field) = await OpenAsync(userId, valid.DeviceId, valid.Checkpoint, cancellationToken);
        return session is null ? (null, FullDeltaOutcomes.Refused<TResult>(failure, detail!, field)) : (session, null);
    }

    /// <summary>The head of the scope the device reads <paramref name="rule"/>'s bucket from: its user scope, or its copy of the shared one.</summary>
    private async Task<ScopeHead> HeadForAsync(DeviceSession session, TableRule rule, string userId, CancellationToken cancellationToken)
    {
        if (rule.IsUserScoped)
        {
            return session.UserHead;
        }
        session.SharedHead ??= await feed.GetHeadAsync(maintainer.SharedCopyFor(session.Profile.Id, session.Device.DeviceId), cancellationToken);
        if (session.SharedHead is null)
        {
            var (profile, userHead, shared) = await maintainer.EnsureScopesAsync(userId, cancellationToken, session.Device.DeviceId);
            (session.Profile, session.UserHead, session.SharedHead) = (profile, userHead, shared);
        }
        return session.SharedHead;
    }

    private static FullDeltaOutcome<T> NotInProfile<T>(OfflineProfile profile, string table, string field)
        where T : class
        => FullDeltaOutcomes.Refused<T>(FullDeltaFailure.Invalid,
            $"Table '{table}' is not in your offline profile '{profile.Name}'. Pull first: its answer drops the tables the profile no longer carries.", field);
}
