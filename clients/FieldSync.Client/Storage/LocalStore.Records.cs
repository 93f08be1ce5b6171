using System.Text.Json.Nodes;
using FieldSync.Client.Outbox;
using Microsoft.Data.Sqlite;

namespace FieldSync.Client.Storage;

// Reading and writing records offline: what the app does whether or not it is online.
public sealed partial class LocalStore
{
    private const string EntryColumns = "seq, tbl, id, action, base_version, vals, state, batch_id, change_index, applied_version";

    /// <summary>One record as the app sees it, or Record Not Found.</summary>
    public Task<RecordLookup> GetAsync(string table, string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(id);
        return RunAsync(async connection => new RecordLookup(table, id, await ReadEffectiveAsync(connection, null, table, id, cancellationToken)), cancellationToken);
    }

    /// <summary>Every record of <paramref name="table"/> the app sees, in id order (stored rows and records created offline).</summary>
    public Task<IReadOnlyList<LocalRecord>> ListAsync(string table, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        return RunAsync<IReadOnlyList<LocalRecord>>(async connection =>
        {
            var stored = await connection.ListAsync(null, "SELECT id, version, data FROM rows WHERE tbl = $t ORDER BY id",
                r => (Id: r.GetString(0), Version: r.GetInt64(1), Data: r.GetString(2)), cancellationToken, ("$t", table));
            var entries = (await ReadEntriesAsync(connection, null, table, null, cancellationToken)).ToLookup(e => e.Id, StringComparer.Ordinal);
            var ids = stored.Select(s => s.Id).Union(entries.Select(g => g.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal);
            var byId = stored.ToDictionary(s => s.Id, StringComparer.Ordinal);
            var list = new List<LocalRecord>();
            foreach (var id in ids)
            {
                var row = byId.TryGetValue(id, out var s) ? s : default;
                if (Effective(table, id, row.Data, row.Data is null ? null : row.Version, [.. entries[id]]) is { } record)
                {
                    list.Add(record);
                }
            }
            return list;
        }, cancellationToken);
    }

    /// <summary>Creates a record offline with an id the app chose (e.g. the device id and a counter) and queues the create.</summary>
    public Task<LocalWriteResult> CreateAsync(string table, string id, JsonObject values, CancellationToken cancellationToken = default)
        => WriteAsync(table, id, OutboxAction.Create, values, cancellationToken);

    /// <summary>
    /// Changes columns of a record offline (<c>null</c> clears one) and queues an update carrying the whole row, as the
    /// protocol asks: with conflict detection No the device's record is what the server keeps.
    /// </summary>
    public Task<LocalWriteResult> UpdateAsync(string table, string id, JsonObject changes, CancellationToken cancellationToken = default)
        => WriteAsync(table, id, OutboxAction.Update, changes, cancellationToken);

    /// <summary>Deletes a record offline and queues the delete.</summary>
    public Task<LocalWriteResult> DeleteAsync(string table, string id, CancellationToken cancellationToken = default)
        => WriteAsync(table, id, OutboxAction.Delete, null, cancellationToken);

    /// <summary>
    /// Awaited after a local create, update or delete committed (the outbox changed), so the Device Status page's
    /// pending uploads follow the app's edits. Each <see cref="FieldSyncClient"/> on this store subscribes.
    /// </summary>
    internal event Func<Task>? OutboxChanged;

    private async Task<LocalWriteResult> WriteAsync(string table, string id, OutboxAction action, JsonObject? values, CancellationToken cancellationToken)
    {
        var result = await QueueAsync(table, id, action, values, cancellationToken);
        if (result.Status is LocalWriteStatus.Queued or LocalWriteStatus.Coalesced or LocalWriteStatus.Cancelled)
        {
            foreach (var handler in OutboxChanged?.GetInvocationList() ?? [])
            {
                await ((Func<Task>)handler)();
            }
        }
        return result;
    }

    private Task<LocalWriteResult> QueueAsync(string table, string id, OutboxAction action, JsonObject? values, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (action != OutboxAction.Delete)
        {
            ArgumentNullException.ThrowIfNull(values);
        }
        return InTransactionAsync(async transaction =>
        {
            var connection = transaction.Connection!;
            var stored = await ReadStoredAsync(connection, transaction, table, id, cancellationToken);
            var entries = await ReadEntriesAsync(connection, transaction, table, id, cancellationToken);
            var current = RecordOverlay.Fold(id, stored?.Data, stored?.Version, entries);
            var pending = entries.LastOrDefault(e => e.State == OutboxEntryState.Pending);
            if (action == OutboxAction.Create && current is not null)
            {
                return new LocalWriteResult(LocalWriteStatus.AlreadyExists, null);
            }
            if (action == OutboxAction.Create && pending?.Action == OutboxAction.Delete)
            {
                return new LocalWriteResult(LocalWriteStatus.PendingDelete, null);
            }
            if (action != OutboxAction.Create && current is null)
            {
                return new LocalWriteResult(LocalWriteStatus.RecordNotFound, null);
            }
            var row = action == OutboxAction.Delete ? null : RecordOverlay.Columns(current, values!).ToJsonString();
            var status = LocalWriteStatus.Coalesced;
            switch (OutboxCoalescing.Decide(pending, action))
            {
                case CoalescingDecision.ReplaceValues:
                    await transaction.ExecuteAsync("UPDATE outbox SET vals = $v WHERE seq = $s", cancellationToken, ("$v", row), ("$s", pending!.Seq));
                    break;
                case CoalescingDecision.BecomeDelete:
                    await transaction.ExecuteAsync("UPDATE outbox SET action = $a, vals = NULL WHERE seq = $s", cancellationToken, ("$a", nameof(OutboxAction.Delete)), ("$s", pending!.Seq));
                    break;
                case CoalescingDecision.DropPending:
                    await transaction.ExecuteAsync("DELETE FROM outbox WHERE seq = $s", cancellationToken, ("$s", pending!.Seq));
                    status = LocalWriteStatus.Cancelled;
                    break;
                default:
                    await transaction.ExecuteAsync(
                        "INSERT INTO outbox (tbl, id, action, base_version, vals, state, queued_at) VALUES ($t, $i, $a, $b, $v, $st, $q)", cancellationToken,
                        ("$t", table), ("$i", id), ("$a", action.ToString()), ("$b", action == OutboxAction.Create ? null : BaseVersion(stored?.Version, entries)),
                        ("$v", row), ("$st", nameof(OutboxEntryState.Pending)), ("$q", Now()));
                    status = LocalWriteStatus.Queued;
                    break;
            }
            return new LocalWriteResult(status, await ReadEffectiveAsync(connection, transaction, table, id, cancellationToken));
        }, cancellationToken);
    }

    /// <summary>
    /// The version a new change is based on: the server's, or the version the device's own applied change produced,
    /// or (while the record's earlier change is still in flight) that change's base, rebased when its outcome arrives.
    /// </summary>
    private static long? BaseVersion(long? storedVersion, List<OutboxEntry> entries)
    {
        var last = entries.Count == 0 ? null : entries[^1];
        return last switch
        {
            null => storedVersion,
            { State: OutboxEntryState.Applied } => Math.Max(last.AppliedVersion ?? 0, storedVersion ?? 0),
            _ => last.BaseVersion,
        };
    }

    private static async Task<LocalRecord?> ReadEffectiveAsync(SqliteConnection connection, SqliteTransaction? transaction, string table, string id, CancellationToken cancellationToken)
    {
        var stored = await ReadStoredAsync(connection, transaction, table, id, cancellationToken);
        var entries = await ReadEntriesAsync(connection, transaction, table, id, cancellationToken);
        return Effective(table, id, stored?.Data, stored?.Version, entries);
    }

    private static LocalRecord? Effective(string table, string id, string? data, long? version, List<OutboxEntry> entries)
    {
        var folded = RecordOverlay.Fold(id, data, version, entries);
        if (folded is null)
        {
            return null;
        }
        var pending = entries.Any(e => e.State != OutboxEntryState.Applied || version < e.AppliedVersion);
        return new LocalRecord(table, id, version, pending || data is null ? folded.ToJsonString() : data, pending);
    }

    private static async Task<(string Data, long Version)?> ReadStoredAsync(SqliteConnection connection, SqliteTransaction? transaction, string table, string id, CancellationToken cancellationToken)
    {
        var rows = await connection.ListAsync(transaction, "SELECT data, version FROM rows WHERE tbl = $t AND id = $i",
            r => (r.GetString(0), r.GetInt64(1)), cancellationToken, ("$t", table), ("$i", id));
        return rows.Count == 0 ? null : rows[0];
    }

    private static Task<List<OutboxEntry>> ReadEntriesAsync(SqliteConnection connection, SqliteTransaction? transaction, string table, string? id, CancellationToken cancellationToken)
        => connection.ListAsync(transaction,
            $"SELECT {EntryColumns} FROM outbox WHERE tbl = $t AND ($i IS NULL OR id = $i) ORDER BY seq",
            ReadEntry, cancellationToken, ("$t", table), ("$i", id));

    private static OutboxEntry ReadEntry(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), Enum.Parse<OutboxAction>(r.GetString(3)), r.NullableInt64(4), r.NullableString(5),
        Enum.Parse<OutboxEntryState>(r.GetString(6)), r.NullableString(7), r.IsDBNull(8) ? null : r.GetInt32(8), r.NullableInt64(9));
}
