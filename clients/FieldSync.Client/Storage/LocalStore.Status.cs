using System.Globalization;
using System.Text.Json;
using FieldSync.Client.Outbox;
using Microsoft.Data.Sqlite;

namespace FieldSync.Client.Storage;

// Status, sync errors and reset.
public sealed partial class LocalStore
{
    /// <summary>Sync errors received, newest first.</summary>
    public Task<IReadOnlyList<SyncErrorEntry>> GetSyncErrorsAsync(CancellationToken cancellationToken = default)
        => RunAsync<IReadOnlyList<SyncErrorEntry>>(async connection => await ReadErrorsAsync(connection, cancellationToken), cancellationToken);

    /// <summary>The user has seen a sync error and dismisses it. False when there is no such error.</summary>
    public Task<bool> DismissSyncErrorAsync(long errorId, CancellationToken cancellationToken = default)
        => InTransactionAsync(async transaction => await transaction.ExecuteAsync("DELETE FROM sync_errors WHERE error_id = $e", cancellationToken, ("$e", errorId)) == 1, cancellationToken);

    /// <summary>
    /// Clears the offline database: rows, checkpoint, profile, table status and sync errors; the next sync is a first
    /// sync. Changes the server already accepted are safe there. Changes it has not accepted are kept unless
    /// <paramref name="options"/> has <see cref="ResetOptions.DiscardUnsentChanges"/>; with some and without it, nothing
    /// is cleared and <see cref="UnsentChangesException"/> says how many.
    /// </summary>
    public Task ResetAsync(ResetOptions options = ResetOptions.None, CancellationToken cancellationToken = default)
        => InTransactionAsync(async transaction =>
        {
            var discard = options.HasFlag(ResetOptions.DiscardUnsentChanges);
            var unsent = await CountAsync(transaction.Connection!, transaction, [OutboxEntryState.Pending, OutboxEntryState.Prepared], cancellationToken);
            if (unsent > 0 && !discard)
            {
                throw new UnsentChangesException(unsent);
            }
            await ClearAsync(transaction, discard, cancellationToken);
            return true;
        }, cancellationToken);

    internal Task<StoreSnapshot> SnapshotAsync(CancellationToken cancellationToken)
        => RunAsync(async connection =>
        {
            var checkpoint = await GetMetaAsync(connection, null, CheckpointKey, cancellationToken);
            var complete = await GetMetaAsync(connection, null, FirstSyncCompleteKey, cancellationToken) == "true";
            var profile = await GetMetaAsync(connection, null, ProfileKey, cancellationToken);
            string? profileId = null;
            if (profile is not null)
            {
                using var document = JsonDocument.Parse(profile);
                profileId = document.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            }
            var tables = await connection.ListAsync(null, """
                SELECT s.tbl, s.last_updated, s.next_due_at, (SELECT count(*) FROM rows r WHERE r.tbl = s.tbl), s.checksum_matched,
                       s.server_count, s.server_checksum, s.local_count, s.local_checksum
                FROM table_status s ORDER BY s.tbl
                """, r => (Status: new TableSyncStatus(r.GetString(0), Time(r.NullableString(1)), Time(r.NullableString(2)), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt64(4) == 1),
                    Mismatch: !r.IsDBNull(4) && r.GetInt64(4) == 0 ? new IntegrityMismatch(r.GetString(0), r.GetInt64(5), r.GetString(6), r.GetInt64(7), r.GetString(8)) : null),
                cancellationToken);
            return new StoreSnapshot(complete, checkpoint is not null && !complete, await GetMetaAsync(connection, null, LastSyncModeKey, cancellationToken), profileId,
                await CountAsync(connection, null, [OutboxEntryState.Pending, OutboxEntryState.Prepared, OutboxEntryState.Sent], cancellationToken),
                await CountAsync(connection, null, [OutboxEntryState.Pending, OutboxEntryState.Prepared], cancellationToken),
                [.. tables.Select(t => t.Status)], await ReadErrorsAsync(connection, cancellationToken), [.. tables.Where(t => t.Mismatch is not null).Select(t => t.Mismatch!)]);
        }, cancellationToken);

    /// <summary>
    /// Empties the offline data. The outbox's applied entries go (the fresh download brings their versions); pending,
    /// prepared and sent entries stay unless <paramref name="discardUnsent"/>, in which case only sent ones stay (the
    /// server has them; their outcomes still come from the receipt). The sequence counters always stay: a batch
    /// sequence is never reused.
    /// </summary>
    private static async Task ClearAsync(SqliteTransaction transaction, bool discardUnsent, CancellationToken cancellationToken)
    {
        await transaction.ExecuteAsync("DELETE FROM rows; DELETE FROM table_status; DELETE FROM sync_errors;", cancellationToken);
        await transaction.ExecuteAsync("DELETE FROM meta WHERE key NOT IN ($n, $p)", cancellationToken, ("$n", NextSequenceKey), ("$p", PushedSequenceKey));
        await transaction.ExecuteAsync("DELETE FROM outbox WHERE state = $a", cancellationToken, ("$a", nameof(OutboxEntryState.Applied)));
        if (discardUnsent)
        {
            await transaction.ExecuteAsync("DELETE FROM outbox WHERE state IN ($p, $r)", cancellationToken, ("$p", nameof(OutboxEntryState.Pending)), ("$r", nameof(OutboxEntryState.Prepared)));
            await transaction.ExecuteAsync("DELETE FROM batches WHERE state = $r", cancellationToken, ("$r", nameof(OutboxEntryState.Prepared)));
        }
    }

    private static async Task<int> CountAsync(SqliteConnection connection, SqliteTransaction? transaction, OutboxEntryState[] states, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var state in states)
        {
            count += Convert.ToInt32(await connection.ScalarAsync(transaction, "SELECT count(*) FROM outbox WHERE state = $s", cancellationToken, ("$s", state.ToString())), CultureInfo.InvariantCulture);
        }
        return count;
    }

    private static Task<List<SyncErrorEntry>> ReadErrorsAsync(SqliteConnection connection, CancellationToken cancellationToken)
        => connection.ListAsync(null, """
            SELECT error_id, batch_id, sequence, tbl, record_id, status, reason, message, server_error_id, current, received_at
            FROM sync_errors ORDER BY error_id DESC
            """, r => new SyncErrorEntry(r.GetInt64(0), r.NullableString(1), r.NullableInt64(2), r.NullableString(3), r.NullableString(4), r.GetString(5),
                r.NullableString(6), r.NullableString(7), r.NullableString(8), r.NullableString(9), Time(r.GetString(10))!.Value), cancellationToken);

    private static DateTimeOffset? Time(string? text) => text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
