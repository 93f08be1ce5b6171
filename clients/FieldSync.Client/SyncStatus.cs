using FieldSync.Client.Storage;

namespace FieldSync.Client;

/// <summary>
/// A snapshot for the Offline Status and Device Status pages (and, in a later part, the payload of the status event):
/// immutable, so it can be handed to UI threads as it is.
/// </summary>
/// <param name="SyncInProgress">A <see cref="FieldSyncClient.SyncAsync"/> is running now, or the last first download stopped with pages still to come.</param>
/// <param name="HasSynced">A first sync has completed on this database (Power Apps' "sync status: available").</param>
/// <param name="LastSyncMode">The mode of the last page applied.</param>
/// <param name="LastSyncCompletedAt">When the last sync ended well (device clock); null since the app started or after a failure until the next success.</param>
/// <param name="LastSyncFailure">Why the last sync failed, if it did.</param>
/// <param name="PendingUploads">Local changes not yet confirmed by the server, one by one.</param>
/// <param name="UnsentChanges">Of those, the ones the server has not accepted: what a reset would lose.</param>
/// <param name="Tables">Per table: last updated, next due, rows held, integrity.</param>
/// <param name="SyncErrors">Sync errors received, newest first.</param>
/// <param name="IntegrityMismatches">Tables whose rows differ from the server's figures.</param>
public sealed record SyncStatus(
    bool SyncInProgress,
    bool HasSynced,
    string? LastSyncMode,
    string? ProfileId,
    DateTimeOffset? LastSyncCompletedAt,
    Exception? LastSyncFailure,
    int PendingUploads,
    int UnsentChanges,
    IReadOnlyList<TableSyncStatus> Tables,
    IReadOnlyList<SyncErrorEntry> SyncErrors,
    IReadOnlyList<IntegrityMismatch> IntegrityMismatches);
