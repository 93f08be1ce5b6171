namespace FieldSync.Client.Notifications;

/// <summary>The seed's three in-app sync notifications ("Sync notifications").</summary>
public enum SyncNotificationKind
{
    /// <summary>"The app is downloading data during the initial sync" (FIRST_SYNC): progress is received of received + pending.</summary>
    InitialDownload,

    /// <summary>"The user selects Refresh on a table" (GRID_SYNC).</summary>
    TableRefresh,

    /// <summary>
    /// "A large incremental sync runs after the app hasn't been used for a while": an incremental pull (DELTA_SYNC or
    /// FORCED_SYNC) the server flags <c>isLarge</c>. When it is done the user can refresh the view.
    /// </summary>
    LargeIncrementalSync,
}
