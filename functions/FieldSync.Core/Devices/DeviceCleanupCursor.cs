namespace FieldSync.Core.Devices;

/// <summary>
/// Where the stale-device removal is in its pass over the device table: the cut-off the pass started with (kept for the
/// whole pass, so its continuation stays valid) and the listing's continuation (null: the next run starts a new pass).
/// <see cref="ETag"/> is the cursor row's, for the conditional write that keeps two runs from both moving it.
/// </summary>
public sealed record DeviceCleanupCursor(DateTimeOffset StaleSince, string? Continuation)
{
    public string? ETag { get; init; }
}
