namespace FieldSync.Client.Notifications;

/// <summary>Where the notified sync is: the notification shows while it is in progress and goes when it ends.</summary>
public enum SyncNotificationState
{
    InProgress,
    Completed,
    Failed,
}
