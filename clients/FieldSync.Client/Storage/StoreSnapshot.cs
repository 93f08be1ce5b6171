namespace FieldSync.Client.Storage;

/// <summary>What the offline database says about sync right now.</summary>
/// <param name="PendingUploads">Changes not yet confirmed by an outcome (queued, in a stored batch, or accepted and waiting), counted one by one as Power Apps does.</param>
/// <param name="UnsentChanges">Of those, the ones the server has not accepted yet: what a reset would lose.</param>
internal sealed record StoreSnapshot(
    bool HasSynced,
    bool FirstSyncInProgress,
    string? LastSyncMode,
    string? ProfileId,
    int PendingUploads,
    int UnsentChanges,
    IReadOnlyList<TableSyncStatus> Tables,
    IReadOnlyList<SyncErrorEntry> SyncErrors,
    IReadOnlyList<IntegrityMismatch> IntegrityMismatches);
