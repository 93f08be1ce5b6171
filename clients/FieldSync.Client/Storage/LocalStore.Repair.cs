namespace FieldSync.Client.Storage;

// A full delta sync's local side: what the device holds as the server gave it, and each verify answer applied at once.
public sealed partial class LocalStore
{
    /// <summary>The ids and versions of the server's rows held of <paramref name="table"/> (local changes live in the outbox, not here).</summary>
    internal Task<IReadOnlyList<(string Id, long Version)>> ListHeldRowsAsync(string table, CancellationToken cancellationToken)
        => RunAsync<IReadOnlyList<(string Id, long Version)>>(async connection =>
            await connection.ListAsync(null, "SELECT id, version FROM rows WHERE tbl = $t", r => (r.GetString(0), r.GetInt64(1)), cancellationToken, ("$t", table)),
            cancellationToken);

    /// <summary>
    /// Applies one verify answer's repair in one transaction: the rows it (and its fetches) sent, the rows the server no
    /// longer lists, and its checkpoint. A crash before the commit leaves the previous checkpoint and rows; the repair
    /// then simply runs again.
    /// </summary>
    internal Task ApplyRepairAsync(RepairStep step, CancellationToken cancellationToken)
        => InTransactionAsync(async transaction =>
        {
            await UpsertRowsAsync(transaction, step.Upserts, cancellationToken);
            await RemoveRowsAsync(transaction, step.Removes, cancellationToken);
            await SetMetaAsync(transaction, CheckpointKey, step.Checkpoint, cancellationToken);
            await PruneAppliedAsync(transaction, cancellationToken);
            return 0;
        }, cancellationToken);
}
