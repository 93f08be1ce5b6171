namespace FieldSync.Client.Scheduling;

/// <summary>Power Apps' "Auto sync" choice, offered only where the profile has <c>allowAdjustSyncFrequency</c>.</summary>
public enum SyncFrequency
{
    /// <summary>The admin's intervals: each table when its effective interval has passed.</summary>
    Auto,

    /// <summary>A longer interval the user picked (5 to 1,440 minutes): never sooner than that since the last sync.</summary>
    Interval,

    /// <summary>Only when the user asks ("Check for updates", a view's Refresh).</summary>
    Manual,
}
