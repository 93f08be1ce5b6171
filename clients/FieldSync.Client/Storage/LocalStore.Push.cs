using System.Globalization;
using System.Text.Json;
using FieldSync.Client.Outbox;
using FieldSync.Client.Wire;
using Microsoft.Data.Sqlite;

namespace FieldSync.Client.Storage;

// The outbox on its way up: batches stored before they are sent, and outcomes that settle their entries.
public sealed partial class LocalStore
{
    /// <summary>
    /// The batch to send now: the stored one not yet accepted (re-sent as it is), else a new one made of pending
    /// entries in order, stored with its id and body in the same transaction that freezes them. Building stops before
    /// an entry whose record has an earlier change in flight: its base version is the version that change will
    /// produce, known only from its outcome. Null when there is nothing to send.
    /// </summary>
    internal Task<PreparedBatch?> PrepareBatchAsync(string deviceId, int maxChanges, CancellationToken cancellationToken)
        => InTransactionAsync(async transaction =>
        {
            var connection = transaction.Connection!;
            var stored = await connection.ListAsync(transaction,
                "SELECT batch_id, sequence, body FROM batches WHERE state = $s ORDER BY sequence LIMIT 1",
                r => (Id: r.GetString(0), Sequence: r.GetInt64(1), Body: r.GetString(2)), cancellationToken, ("$s", nameof(OutboxEntryState.Prepared)));
            if (stored.Count == 1)
            {
                var count = Convert.ToInt32(await connection.ScalarAsync(transaction, "SELECT count(*) FROM outbox WHERE batch_id = $b", cancellationToken, ("$b", stored[0].Id)), CultureInfo.InvariantCulture);
                return new PreparedBatch(stored[0].Id, stored[0].Sequence, stored[0].Body, count);
            }
            var pending = await connection.ListAsync(transaction, $"SELECT {EntryColumns} FROM outbox WHERE state = $s ORDER BY seq LIMIT $n",
                ReadEntry, cancellationToken, ("$s", nameof(OutboxEntryState.Pending)), ("$n", maxChanges));
            var chosen = new List<OutboxEntry>();
            foreach (var entry in pending)
            {
                var inFlight = Convert.ToInt64(await connection.ScalarAsync(transaction,
                    "SELECT count(*) FROM outbox WHERE tbl = $t AND id = $i AND seq < $q AND state IN ($p, $s)", cancellationToken,
                    ("$t", entry.Table), ("$i", entry.Id), ("$q", entry.Seq), ("$p", nameof(OutboxEntryState.Prepared)), ("$s", nameof(OutboxEntryState.Sent))), CultureInfo.InvariantCulture);
                // A second change of a record already in this batch (possible after a renumbering) waits too: its base
                // version is what the first one produces.
                if (inFlight > 0 || chosen.Any(c => c.Table == entry.Table && c.Id == entry.Id))
                {
                    break;
                }
                if (entry.Action != OutboxAction.Create && entry.BaseVersion is null)
                {
                    // Its record's create was rejected, so it has no version to be based on: it can never apply.
                    await transaction.ExecuteAsync("DELETE FROM outbox WHERE seq = $q", cancellationToken, ("$q", entry.Seq));
                    await InsertErrorAsync(transaction, null, null, entry.Table, entry.Id, entry.Action, "rejected", "RecordNotFound",
                        "The record's create was not applied, so this change of it cannot be.", null, null, cancellationToken);
                    continue;
                }
                chosen.Add(entry);
            }
            if (chosen.Count == 0)
            {
                return null;
            }
            var sequence = await NextSequenceAsync(transaction, cancellationToken);
            var batchId = "b-" + sequence.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12];
            var body = JsonSerializer.Serialize(new PushRequestBody
            {
                DeviceId = deviceId,
                BatchId = batchId,
                Sequence = sequence,
                Changes = [.. chosen.Select(ChangeBody)],
            }, WireJsonContext.Default.PushRequestBody);
            await transaction.ExecuteAsync("INSERT INTO batches (batch_id, sequence, body, state, prepared_at) VALUES ($b, $q, $d, $s, $t)", cancellationToken,
                ("$b", batchId), ("$q", sequence), ("$d", body), ("$s", nameof(OutboxEntryState.Prepared)), ("$t", Now()));
            for (var i = 0; i < chosen.Count; i++)
            {
                await transaction.ExecuteAsync("UPDATE outbox SET state = $s, batch_id = $b, change_index = $i WHERE seq = $q", cancellationToken,
                    ("$s", nameof(OutboxEntryState.Prepared)), ("$b", batchId), ("$i", i), ("$q", chosen[i].Seq));
            }
            await SetMetaAsync(transaction, NextSequenceKey, (sequence + 1).ToString(CultureInfo.InvariantCulture), cancellationToken);
            return new PreparedBatch(batchId, sequence, body, chosen.Count);
        }, cancellationToken);

    /// <summary>The server accepted the batch (202, or a duplicate's same receipt): its entries wait for their outcomes.</summary>
    internal Task<int> MarkBatchAcceptedAsync(PreparedBatch batch, CancellationToken cancellationToken)
        => InTransactionAsync(async transaction =>
        {
            await AcceptAsync(transaction, batch.BatchId, batch.Sequence, cancellationToken);
            return batch.Changes;
        }, cancellationToken);

    /// <summary>
    /// The server refused the batch whole (400: it can never be valid). So that it never stalls the outbox, every change
    /// becomes a local sync error with the server's reasons, and the entries and the batch are dropped.
    /// </summary>
    internal Task<int> RefuseBatchAsync(PreparedBatch batch, FieldSyncApiException problem, CancellationToken cancellationToken)
        => InTransactionAsync(async transaction =>
        {
            var connection = transaction.Connection!;
            var entries = await connection.ListAsync(transaction, $"SELECT {EntryColumns} FROM outbox WHERE batch_id = $b ORDER BY change_index", ReadEntry, cancellationToken, ("$b", batch.BatchId));
            foreach (var entry in entries)
            {
                var prefix = $"changes[{entry.ChangeIndex}]";
                var reasons = problem.FieldErrors.Where(e => e.Field == prefix || e.Field.StartsWith(prefix + ".", StringComparison.Ordinal)).Select(e => $"{e.Field}: {e.Message}").ToList();
                var message = reasons.Count > 0 ? string.Join("; ", reasons) : $"The batch was refused: {problem.Detail ?? problem.Message}";
                await InsertErrorAsync(transaction, batch.BatchId, batch.Sequence, entry.Table, entry.Id, entry.Action, "invalid", "Validation", message, null, null, cancellationToken);
            }
            await transaction.ExecuteAsync("DELETE FROM outbox WHERE batch_id = $b", cancellationToken, ("$b", batch.BatchId));
            await transaction.ExecuteAsync("DELETE FROM batches WHERE batch_id = $b", cancellationToken, ("$b", batch.BatchId));
            return entries.Count;
        }, cancellationToken);

    /// <summary>
    /// Returns a batch the server refused as out of sequence to the queue: its entries are pending again in their
    /// order (a later change may merge into them again), the batch is forgotten, and new batches are numbered above
    /// <paramref name="serverAccepted"/>.
    /// </summary>
    internal Task<int> RenumberBatchAsync(PreparedBatch batch, long serverAccepted, CancellationToken cancellationToken)
        => InTransactionAsync(async transaction =>
        {
            var entries = await transaction.ExecuteAsync("UPDATE outbox SET state = $p, batch_id = NULL, change_index = NULL WHERE batch_id = $b", cancellationToken,
                ("$p", nameof(OutboxEntryState.Pending)), ("$b", batch.BatchId));
            await transaction.ExecuteAsync("DELETE FROM batches WHERE batch_id = $b", cancellationToken, ("$b", batch.BatchId));
            await RaiseSequenceAsync(transaction, serverAccepted, cancellationToken);
            return entries;
        }, cancellationToken);

    /// <summary>Batches accepted before <paramref name="before"/> whose outcomes have not arrived (a lost pull answer carried them).</summary>
    internal Task<List<string>> UnresolvedBatchesAsync(DateTimeOffset before, CancellationToken cancellationToken)
        => RunAsync(connection => connection.ListAsync(null, "SELECT batch_id FROM batches WHERE state = $s AND accepted_at < $t ORDER BY sequence",
            r => r.GetString(0), cancellationToken, ("$s", nameof(OutboxEntryState.Sent)), ("$t", before.ToString("O", CultureInfo.InvariantCulture))), cancellationToken);

    /// <summary>Settles a receipt read with <c>GET /api/sync/push/{batchId}</c>.</summary>
    internal Task<int> SettleReceiptAsync(PushReceiptBody receipt, CancellationToken cancellationToken)
        => InTransactionAsync(async transaction =>
        {
            var errors = await SettleAsync(transaction, receipt, cancellationToken);
            await PruneAppliedAsync(transaction, cancellationToken);
            return errors;
        }, cancellationToken);

    /// <summary>
    /// Settles a completed or failed batch's outcomes: an applied change stays as an overlay until a pull delivers its
    /// version, and the record's next pending change is rebased on that version; a rejected or invalid change becomes a
    /// sync error. Idempotent: an outcome of an entry already settled changes nothing. Returns the new sync errors.
    /// </summary>
    private async Task<int> SettleAsync(SqliteTransaction transaction, PushReceiptBody receipt, CancellationToken cancellationToken)
    {
        if (receipt.BatchId is null || receipt.Status is not ("completed" or "failed"))
        {
            return 0;
        }
        var connection = transaction.Connection!;
        var errors = 0;
        foreach (var outcome in receipt.Outcomes ?? [])
        {
            var entries = await connection.ListAsync(transaction, $"SELECT {EntryColumns} FROM outbox WHERE batch_id = $b AND change_index = $i AND state IN ($p, $s)",
                ReadEntry, cancellationToken, ("$b", receipt.BatchId), ("$i", outcome.Index), ("$p", nameof(OutboxEntryState.Prepared)), ("$s", nameof(OutboxEntryState.Sent)));
            if (entries.Count == 0)
            {
                continue;
            }
            var entry = entries[0];
            if (outcome.Status == "applied" && outcome.Version is { } version)
            {
                await transaction.ExecuteAsync("UPDATE outbox SET state = $s, applied_version = $v WHERE seq = $q", cancellationToken,
                    ("$s", nameof(OutboxEntryState.Applied)), ("$v", version), ("$q", entry.Seq));
                await transaction.ExecuteAsync("UPDATE outbox SET base_version = $v WHERE tbl = $t AND id = $i AND seq > $q AND state = $p AND action <> $c", cancellationToken,
                    ("$v", version), ("$t", entry.Table), ("$i", entry.Id), ("$q", entry.Seq), ("$p", nameof(OutboxEntryState.Pending)), ("$c", nameof(OutboxAction.Create)));
                if (entry.Action == OutboxAction.Delete)
                {
                    // Nothing to show over: the record is gone on the server too.
                    await transaction.ExecuteAsync("DELETE FROM outbox WHERE seq = $q", cancellationToken, ("$q", entry.Seq));
                }
            }
            else
            {
                await transaction.ExecuteAsync("DELETE FROM outbox WHERE seq = $q", cancellationToken, ("$q", entry.Seq));
                await InsertErrorAsync(transaction, receipt.BatchId, receipt.Sequence, entry.Table, entry.Id, entry.Action, outcome.Status ?? "rejected", outcome.Reason,
                    outcome.Message, outcome.SyncErrorId, outcome.Current is { ValueKind: JsonValueKind.Object } current ? current.GetRawText() : null, cancellationToken);
                errors++;
            }
        }
        var open = Convert.ToInt64(await connection.ScalarAsync(transaction, "SELECT count(*) FROM outbox WHERE batch_id = $b AND state IN ($p, $s)", cancellationToken,
            ("$b", receipt.BatchId), ("$p", nameof(OutboxEntryState.Prepared)), ("$s", nameof(OutboxEntryState.Sent))), CultureInfo.InvariantCulture);
        if (open == 0)
        {
            if (receipt.Sequence is { } sequence)
            {
                await RecordPushedAsync(transaction, sequence, cancellationToken);
            }
            await transaction.ExecuteAsync("DELETE FROM batches WHERE batch_id = $b", cancellationToken, ("$b", receipt.BatchId));
        }
        return errors;
    }

    private async Task AcceptAsync(SqliteTransaction transaction, string batchId, long sequence, CancellationToken cancellationToken)
    {
        await transaction.ExecuteAsync("UPDATE batches SET state = $s, accepted_at = coalesce(accepted_at, $t) WHERE batch_id = $b", cancellationToken,
            ("$s", nameof(OutboxEntryState.Sent)), ("$t", Now()), ("$b", batchId));
        await transaction.ExecuteAsync("UPDATE outbox SET state = $s WHERE batch_id = $b AND state = $p", cancellationToken,
            ("$s", nameof(OutboxEntryState.Sent)), ("$b", batchId), ("$p", nameof(OutboxEntryState.Prepared)));
        await RecordPushedAsync(transaction, sequence, cancellationToken);
    }

    /// <summary>The highest sequence the server accepted: sent as <c>pushedSequence</c> so outcomes come back on pulls.</summary>
    private static async Task RecordPushedAsync(SqliteTransaction transaction, long sequence, CancellationToken cancellationToken)
    {
        var known = long.TryParse(await GetMetaAsync(transaction.Connection!, transaction, PushedSequenceKey, cancellationToken), CultureInfo.InvariantCulture, out var s) ? s : 0;
        if (sequence > known)
        {
            await SetMetaAsync(transaction, PushedSequenceKey, sequence.ToString(CultureInfo.InvariantCulture), cancellationToken);
        }
    }

    internal Task<long?> PushedSequenceAsync(CancellationToken cancellationToken)
        => RunAsync(async connection => long.TryParse(await GetMetaAsync(connection, null, PushedSequenceKey, cancellationToken), CultureInfo.InvariantCulture, out var s) ? (long?)s : null, cancellationToken);

    private Task<int> InsertErrorAsync(SqliteTransaction transaction, string? batchId, long? sequence, string table, string id, OutboxAction action, string status, string? reason,
        string? message, string? serverErrorId, string? current, CancellationToken cancellationToken)
        => transaction.ExecuteAsync("""
            INSERT INTO sync_errors (batch_id, sequence, tbl, record_id, action, status, reason, message, server_error_id, current, received_at)
            VALUES ($b, $q, $t, $i, $a, $s, $r, $m, $e, $c, $w)
            """, cancellationToken, ("$b", batchId), ("$q", sequence), ("$t", table), ("$i", id), ("$a", action.ToString().ToLowerInvariant()), ("$s", status),
            ("$r", reason), ("$m", message), ("$e", serverErrorId), ("$c", current), ("$w", Now()));

    private static PushChangeBody ChangeBody(OutboxEntry entry)
    {
        JsonElement? values = null;
        if (entry.ValuesJson is not null)
        {
            using var document = JsonDocument.Parse(entry.ValuesJson);
            values = document.RootElement.Clone();
        }
        return new PushChangeBody
        {
            Action = entry.Action.ToString().ToLowerInvariant(),
            Table = entry.Table,
            Id = entry.Id,
            BaseVersion = entry.Action == OutboxAction.Create ? null : entry.BaseVersion,
            Values = values,
        };
    }
}
