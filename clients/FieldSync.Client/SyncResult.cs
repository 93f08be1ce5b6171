namespace FieldSync.Client;

/// <summary>What one <see cref="FieldSyncClient.SyncAsync"/> did.</summary>
/// <param name="BatchesPushed">Batches the server accepted this time (a re-sent one counts once).</param>
/// <param name="ChangesPushed">Changes in them.</param>
/// <param name="SyncModes">The modes of the pages pulled, in order, without repeats.</param>
/// <param name="Received">Rows upserted from the server.</param>
/// <param name="Removed">Rows removed because they left the profile or were deleted on the server.</param>
/// <param name="ResetReason">"admin" or "device-removed" when the server reset the device, "superseded" when its checkpoint belonged to an older database; the database was cleared and a first sync ran.</param>
/// <param name="NewSyncErrors">Changes the server rejected or refused, now in the sync errors.</param>
/// <param name="IntegrityMismatches">Tables whose rows differ from the server's figures after this sync (see <see cref="IntegrityMismatch"/>).</param>
public sealed record SyncResult(
    int BatchesPushed,
    int ChangesPushed,
    IReadOnlyList<string> SyncModes,
    int Pages,
    long Received,
    long Removed,
    string? ResetReason,
    int NewSyncErrors,
    IReadOnlyList<IntegrityMismatch> IntegrityMismatches)
{
    /// <summary>The server's clock when it answered the last pull page (its <c>serverTime</c>); the due times it publishes are on that clock.</summary>
    public DateTimeOffset? ServerTime { get; init; }

    /// <summary>The full delta sync this sync ran because a table's rows differed from the server's; null when none was needed.</summary>
    public RepairResult? Repair { get; init; }
}
