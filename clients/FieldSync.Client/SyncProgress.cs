namespace FieldSync.Client;

/// <summary>Reported after each applied page: the first download's progress bar is <see cref="Received"/> of <see cref="Received"/> + <see cref="Pending"/>.</summary>
/// <param name="SyncMode">FIRST_SYNC, DELTA_SYNC, GRID_SYNC or FORCED_SYNC.</param>
/// <param name="Pending">The server's count of records still to come (exact for a first download).</param>
/// <param name="IsLarge">The server flags a large sync: show the notification.</param>
public sealed record SyncProgress(string SyncMode, int Pages, long Received, long Pending, bool IsLarge);
