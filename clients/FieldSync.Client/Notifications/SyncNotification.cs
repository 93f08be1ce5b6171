namespace FieldSync.Client.Notifications;

/// <summary>
/// One update of an in-app sync notification: raised when the sync starts (where its kind is known before the first
/// answer), after each page, and once when it ends. Immutable, so a UI thread can take it as it is.
/// </summary>
/// <param name="Received">Rows received so far in this sync.</param>
/// <param name="Pending">The server's count of rows still to come (exact for an initial download).</param>
/// <param name="Tables">For a table refresh, the tables refreshed.</param>
public sealed record SyncNotification(SyncNotificationKind Kind, SyncNotificationState State, long Received, long Pending, IReadOnlyList<string> Tables)
{
    /// <summary>A large incremental sync has finished: offer "refresh the view" to show the latest updates.</summary>
    public bool CanRefreshView => Kind == SyncNotificationKind.LargeIncrementalSync && State == SyncNotificationState.Completed;

    /// <summary>Progress from 0 to 1 for a progress bar (received of received + pending).</summary>
    public double Progress => Received + Pending == 0 ? (State == SyncNotificationState.InProgress ? 0 : 1) : (double)Received / (Received + Pending);
}
