using FieldSync.Core.Profiles;

namespace FieldSync.Core.Sync;

/// <summary>
/// The seed's large incremental sync: "A large incremental sync runs after the app hasn't been used for a while", with a
/// notification while it runs and "refresh the view" when it is done. A first download has its own notification, and a
/// pull that brings nothing has nothing to refresh, so neither is large.
/// </summary>
public static class LargeSync
{
    /// <summary>
    /// Whether a pull page is part of a large incremental sync (DELTA_SYNC or FORCED_SYNC): it brings changes, and either
    /// they are many (this page's rows and those still to come reach <see cref="ProfileSettings.LargeSyncThreshold"/>)
    /// or the device had not pulled for <see cref="ProfileSettings.LargeSyncIdleHours"/>.
    /// </summary>
    public static bool IsLargeSync(string syncMode, long rowsInPage, long pending, TimeSpan idleFor, ProfileSettings settings)
        => syncMode is SyncModes.DeltaSync or SyncModes.ForcedSync
            && rowsInPage + pending > 0
            && (rowsInPage + pending >= settings.LargeSyncThreshold || idleFor >= settings.LargeSyncIdle);
}
