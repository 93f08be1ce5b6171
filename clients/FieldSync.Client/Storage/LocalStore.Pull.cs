using System.Globalization;
using FieldSync.Client.Outbox;
using Microsoft.Data.Sqlite;

namespace FieldSync.Client.Storage;

// Applying a pull: the whole page and its checkpoint in one transaction, or nothing of it.
public sealed partial class LocalStore
{
    internal const string CheckpointKey = "checkpoint";
    internal const string ProfileKey = "profile";
    internal const string FirstSyncCompleteKey = "first_sync_complete";
    internal const string LastSyncModeKey = "last_sync_mode";
    internal const string NextSequenceKey = "next_sequence";
    internal const string PushedSequenceKey = "pushed_sequence";

    /// <summary>The checkpoint of the last applied pull; null before the first one (or after a reset).</summary>
    public Task<string?> GetCheckpointAsync(CancellationToken cancellationToken = default)
        => RunAsync(connection => GetMetaAsync(connection, null, CheckpointKey, cancellationToken), cancellationToken);

    /// <summary>The last offline profile the server sent, as JSON; null before the first sync.</summary>
    public Task<string?> GetProfileJsonAsync(CancellationToken cancellationToken = default)
        => RunAsync(connection => GetMetaAsync(connection, null, ProfileKey, cancellationToken), cancellationToken);

    /// <summary>
    /// Applies <paramref name="page"/> in one transaction, in the protocol's order: a reset or a fresh first sync clears
    /// the database (unsent changes stay), <c>resync</c> and <c>dropped</c> tables are emptied, rows are upserted and
    /// removed, the checkpoint and profile are stored, push outcomes settle their outbox entries, and each table with
    /// exact figures is checked against its local checksum.
    /// </summary>
    internal Task<PullApplyResult> ApplyPullAsync(PulledPage page, bool sentCheckpoint, CancellationToken cancellationToken)
        => InTransactionAsync(async transaction =>
        {
            var connection = transaction.Connection!;
            var cleared = page.ResetReason is not null || (!sentCheckpoint && page.SyncMode == "FIRST_SYNC");
            if (cleared)
            {
                await ClearAsync(transaction, discardUnsent: false, cancellationToken);
            }
            foreach (var table in page.ClearTables.Concat(page.DroppedTables))
            {
                await transaction.ExecuteAsync("DELETE FROM rows WHERE tbl = $t", cancellationToken, ("$t", table));
            }
            foreach (var table in page.DroppedTables)
            {
                await transaction.ExecuteAsync("DELETE FROM table_status WHERE tbl = $t", cancellationToken, ("$t", table));
            }
            await UpsertRowsAsync(transaction, page.Upserts, cancellationToken);
            var removed = await RemoveRowsAsync(transaction, page.Removes, cancellationToken);
            await SetMetaAsync(transaction, CheckpointKey, page.Checkpoint, cancellationToken);
            await SetMetaAsync(transaction, LastSyncModeKey, page.SyncMode, cancellationToken);
            if (page.ProfileJson is not null)
            {
                await SetMetaAsync(transaction, ProfileKey, page.ProfileJson, cancellationToken);
            }
            if (page.SyncMode == "FIRST_SYNC")
            {
                await SetMetaAsync(transaction, FirstSyncCompleteKey, page.HasMore ? "false" : "true", cancellationToken);
            }
            if (page.LastAcceptedSequence is { } accepted)
            {
                await RaiseSequenceAsync(transaction, accepted, cancellationToken);
            }
            var errors = 0;
            foreach (var receipt in page.PushOutcomes)
            {
                errors += await SettleAsync(transaction, receipt, cancellationToken);
            }
            await PruneAppliedAsync(transaction, cancellationToken);
            var mismatches = new List<IntegrityMismatch>();
            foreach (var figures in page.Tables)
            {
                if (await RecordTableAsync(connection, transaction, figures, cancellationToken) is { } mismatch)
                {
                    mismatches.Add(mismatch);
                }
            }
            return new PullApplyResult(page.Upserts.Count, removed, cleared, errors, mismatches);
        }, cancellationToken);

    /// <summary>Stores rows exactly as the server sent them (a pull's upserts, a full delta sync's rows).</summary>
    private async Task UpsertRowsAsync(SqliteTransaction transaction, IEnumerable<PulledRow> rows, CancellationToken cancellationToken)
    {
        foreach (var row in rows)
        {
            BeforePulledRowWritten?.Invoke(row.Table, row.Id);
            await transaction.ExecuteAsync(
                "INSERT INTO rows (tbl, id, version, data) VALUES ($t, $i, $v, $d) ON CONFLICT (tbl, id) DO UPDATE SET version = excluded.version, data = excluded.data",
                cancellationToken, ("$t", row.Table), ("$i", row.Id), ("$v", row.Version), ("$d", row.Json));
        }
    }

    /// <summary>Deletes rows the server no longer gives the device; returns how many were held.</summary>
    private static async Task<int> RemoveRowsAsync(SqliteTransaction transaction, IEnumerable<(string Table, string Id)> removes, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var (table, id) in removes)
        {
            removed += await transaction.ExecuteAsync("DELETE FROM rows WHERE tbl = $t AND id = $i", cancellationToken, ("$t", table), ("$i", id));
            // The device's own applied change of a removed record has nothing left to show over.
            await transaction.ExecuteAsync("DELETE FROM outbox WHERE tbl = $t AND id = $i AND state = $s", cancellationToken,
                ("$t", table), ("$i", id), ("$s", nameof(OutboxEntryState.Applied)));
        }
        return removed;
    }

    /// <summary>Stores a table's status; with exact figures, compares them with the rows held and returns the mismatch.</summary>
    private static async Task<IntegrityMismatch?> RecordTableAsync(SqliteConnection connection, SqliteTransaction transaction, PulledTableFigures figures, CancellationToken cancellationToken)
    {
        long? localCount = null;
        string? localChecksum = null;
        bool? matched = null;
        if (figures.Count is { } count && figures.Checksum is { } checksum)
        {
            var rows = await connection.ListAsync(transaction, "SELECT id, version FROM rows WHERE tbl = $t", r => (r.GetString(0), r.GetInt64(1)), cancellationToken, ("$t", figures.Table));
            localCount = rows.Count;
            localChecksum = TableChecksum.Compute(rows);
            matched = localCount == count && localChecksum == checksum;
        }
        // A pull without exact figures keeps the last comparison: the table has not been re-checked.
        await transaction.ExecuteAsync("""
            INSERT INTO table_status (tbl, last_updated, next_due_at, server_count, server_checksum, local_count, local_checksum, checksum_matched)
            VALUES ($t, $u, $n, $sc, $sk, $lc, $lk, $m)
            ON CONFLICT (tbl) DO UPDATE SET last_updated = coalesce(excluded.last_updated, last_updated), next_due_at = excluded.next_due_at,
              server_count = coalesce(excluded.server_count, server_count), server_checksum = coalesce(excluded.server_checksum, server_checksum),
              local_count = coalesce(excluded.local_count, local_count), local_checksum = coalesce(excluded.local_checksum, local_checksum),
              checksum_matched = coalesce(excluded.checksum_matched, checksum_matched)
            """, cancellationToken,
            ("$t", figures.Table), ("$u", figures.LastUpdated?.ToString("O", CultureInfo.InvariantCulture)), ("$n", figures.NextDueAt?.ToString("O", CultureInfo.InvariantCulture)),
            ("$sc", figures.Count), ("$sk", figures.Checksum), ("$lc", localCount), ("$lk", localChecksum), ("$m", matched is null ? null : matched.Value ? 1 : 0));
        return matched == false ? new IntegrityMismatch(figures.Table, figures.Count!.Value, figures.Checksum!, localCount!.Value, localChecksum!) : null;
    }

    /// <summary>Applied changes whose version the stored row has reached need no overlay any more.</summary>
    private static Task<int> PruneAppliedAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
        => transaction.ExecuteAsync("""
            DELETE FROM outbox WHERE state = $s AND EXISTS (
              SELECT 1 FROM rows WHERE rows.tbl = outbox.tbl AND rows.id = outbox.id AND rows.version >= outbox.applied_version)
            """, cancellationToken, ("$s", nameof(OutboxEntryState.Applied)));

    private static async Task<string?> GetMetaAsync(SqliteConnection connection, SqliteTransaction? transaction, string key, CancellationToken cancellationToken)
        => (string?)await connection.ScalarAsync(transaction, "SELECT value FROM meta WHERE key = $k", cancellationToken, ("$k", key));

    private static Task<int> SetMetaAsync(SqliteTransaction transaction, string key, string? value, CancellationToken cancellationToken)
        => transaction.ExecuteAsync("INSERT INTO meta (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = excluded.value", cancellationToken, ("$k", key), ("$v", value));

    /// <summary>Numbers new batches above <paramref name="accepted"/> (the server's last accepted sequence).</summary>
    private static async Task RaiseSequenceAsync(SqliteTransaction transaction, long accepted, CancellationToken cancellationToken)
    {
        var next = await NextSequenceAsync(transaction, cancellationToken);
        if (accepted + 1 > next)
        {
            await SetMetaAsync(transaction, NextSequenceKey, (accepted + 1).ToString(CultureInfo.InvariantCulture), cancellationToken);
        }
    }

    private static async Task<long> NextSequenceAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
        => long.TryParse(await GetMetaAsync(transaction.Connection!, transaction, NextSequenceKey, cancellationToken), CultureInfo.InvariantCulture, out var next) ? next : 1;
}
