using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;

namespace FieldSync.Storage;

/// <summary>
/// Records in one Azure table: PartitionKey = table name, RowKey = record id, system fields as
/// <c>_version</c>, <c>_modifiedOn</c>, <c>_modifiedBy</c>, <c>_deleted</c> (column names cannot start with '_'),
/// and each column as a typed property. Decimal and date values are stored as invariant text because Azure
/// Tables has no exact decimal or date-only type.
/// </summary>
public sealed class TableRecordStore(TableServiceClient service, SchemaCatalog schema, StorageOptions options) : IRecordStore
{
    private const string VersionProperty = "_version";
    private const string ModifiedOnProperty = "_modifiedOn";
    private const string ModifiedByProperty = "_modifiedBy";
    private const string DeletedProperty = "_deleted";
    private const string ChangeProperty = "_change";

    private readonly TableClient recordsTable = service.GetTableClient(options.TablePrefix + TableNames.Records);
    private readonly CreateOnce created = new(() => service.GetTableClient(options.TablePrefix + TableNames.Records).CreateIfNotExistsAsync());

    public async Task<StoredRecord?> GetAsync(string table, string id, CancellationToken cancellationToken)
    {
        await created.Value;
        var response = await recordsTable.GetEntityIfExistsAsync<TableEntity>(table, id, cancellationToken: cancellationToken);
        return response.HasValue ? new StoredRecord(ToRecord(response.Value!), response.Value!.ETag.ToString()) : null;
    }

    public async Task<StoreWrite> TryInsertAsync(Record record, CancellationToken cancellationToken)
    {
        await created.Value;
        // The record and its fan-out marker commit together (same partition), so a crash before the change
        // is fanned out to the offline buckets can never lose it: the sweeper finds the marker. Its index
        // entries commit with it too, so the index is never ahead of or behind the record.
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, ToEntity(record)),
            new(TableTransactionActionType.UpsertReplace, Marker(record)),
        };
        AddIndexActions(actions, record, null);
        try
        {
            return Written(await recordsTable.SubmitTransactionAsync(actions, cancellationToken));
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return StoreWrite.NotWritten;
        }
    }

    public async Task<StoreWrite> TryReplaceAsync(Record record, StoredRecord previous, CancellationToken cancellationToken)
    {
        await created.Value;
        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.UpdateReplace, ToEntity(record), new ETag(previous.ETag)),
            new(TableTransactionActionType.UpsertReplace, Marker(record)),
        };
        AddIndexActions(actions, record, previous.Record);
        try
        {
            return Written(await recordsTable.SubmitTransactionAsync(actions, cancellationToken));
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 412 or 404)
        {
            return StoreWrite.NotWritten;
        }
    }

    public async Task<IReadOnlyList<StoreWrite>?> TryWriteAllAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken)
    {
        if (writes.Count == 0)
        {
            return [];
        }
        if (writes.Any(w => w.Record.Table != writes[0].Record.Table) || writes.DistinctBy(w => w.Record.Id).Count() != writes.Count)
        {
            throw new ArgumentException("One transaction writes distinct records of one table.", nameof(writes));
        }
        await created.Value;
        // The record and its marker come first for every write (their responses carry the marker ETags), the index
        // changes after them.
        var actions = new List<TableTransactionAction>(2 * writes.Count);
        foreach (var write in writes)
        {
            actions.Add(write.ETag is null
                ? new TableTransactionAction(TableTransactionActionType.Add, ToEntity(write.Record))
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, ToEntity(write.Record), new ETag(write.ETag)));
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, Marker(write.Record)));
        }
        foreach (var write in writes)
        {
            AddIndexActions(actions, write.Record, write.Previous?.Record);
        }
        if (actions.Count > RecordWrite.MaxActionsPerTransaction)
        {
            throw new ArgumentException($"These writes take {actions.Count} actions; one transaction holds {RecordWrite.MaxActionsPerTransaction}.", nameof(writes));
        }
        try
        {
            var response = await recordsTable.SubmitTransactionAsync(actions, cancellationToken);
            return [.. Enumerable.Range(0, writes.Count).Select(i => new StoreWrite(true, response.Value.Count > 2 * i + 1 ? response.Value[(2 * i) + 1].Headers.ETag?.ToString() : null))];
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status == 413)
        {
            return null; // larger on the wire than estimated: the caller writes the records one by one
        }
    }

    /// <summary>
    /// The index entries the write moves (<see cref="LookupIndex"/>): entries of values the record no longer holds are
    /// deleted, entries of new values added; an unchanged value costs nothing. A delete of an entry that is not there
    /// would fail the transaction, which cannot happen while every write goes through here.
    /// </summary>
    private void AddIndexActions(List<TableTransactionAction> actions, Record next, Record? previous)
    {
        if (!schema.TryGetTable(next.Table, out var table))
        {
            return;
        }
        var (remove, add) = LookupIndex.Changes(table, next, previous);
        actions.AddRange(remove.Select(key => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(next.Table, key), ETag.All)));
        actions.AddRange(add.Select(key => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(next.Table, key))));
    }

    /// <summary>The marker's ETag from the transaction's second response, so the fan-out need not read the marker.</summary>
    private static StoreWrite Written(Response<IReadOnlyList<Response>> response)
        => new(true, response.Value.Count > 1 ? response.Value[1].Headers.ETag?.ToString() : null);

    public async Task<string?> GetFanOutMarkerAsync(string table, string id, CancellationToken cancellationToken)
    {
        await created.Value;
        var marker = await recordsTable.GetEntityIfExistsAsync<TableEntity>(table, MarkerPrefix + id, ["PartitionKey"], cancellationToken);
        return marker.HasValue ? marker.Value!.ETag.ToString() : null;
    }

    public async Task CompleteFanOutAsync(IReadOnlyList<ChangedRecord> done, CancellationToken cancellationToken)
    {
        await created.Value;
        // Markers live in their table's partition: one transaction deletes up to 100 of them. Only the markers
        // seen (If-Match): a write that came after one left a new marker whose fan-out is still due, which fails
        // the transaction; then each is deleted on its own and the newer ones stay.
        var withMarker = done.Where(c => c.Marker is not null).DistinctBy(c => (c.Table, c.Id));
        foreach (var group in withMarker.GroupBy(c => c.Table, StringComparer.Ordinal))
        {
            foreach (var chunk in group.Chunk(100))
            {
                try
                {
                    await recordsTable.SubmitTransactionAsync(
                        chunk.Select(c => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(c.Table, MarkerPrefix + c.Id), new ETag(c.Marker!))),
                        cancellationToken);
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
                {
                    foreach (var change in chunk)
                    {
                        try
                        {
                            await recordsTable.DeleteEntityAsync(change.Table, MarkerPrefix + change.Id, new ETag(change.Marker!), cancellationToken);
                        }
                        catch (RequestFailedException single) when (single.Status is 404 or 412)
                        {
                        }
                    }
                }
            }
        }
    }

    public async Task<IReadOnlyList<ChangedRecord>> ListPendingFanOutAsync(string table, DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await created.Value;
        // Keys only (the age is checked here): markers are few, and a key range never scans the records.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey ge {MarkerPrefix} and RowKey lt {MarkerEnd}");
        var pending = new List<ChangedRecord>();
        await foreach (var marker in recordsTable.QueryAsync<TableEntity>(filter, select: ["RowKey", "At"], cancellationToken: cancellationToken))
        {
            if (marker.GetDateTimeOffset("At") is { } at && at >= olderThan)
            {
                continue;
            }
            pending.Add(new ChangedRecord(table, marker.RowKey[MarkerPrefix.Length..], marker.ETag.ToString()));
        }
        return pending;
    }

    public async IAsyncEnumerable<Record> ScanLiveAsync(string table, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await created.Value;
        // Keys only: the service reads the same rows either way, and a property filter would make this a scan that
        // the cost checks cannot tell from one over the whole fleet. Tombstones are left out here.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey lt {"~"}");
        await foreach (var entity in recordsTable.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            var record = ToRecord(entity);
            if (!record.Deleted)
            {
                yield return record;
            }
        }
    }

    public async Task<IReadOnlyList<string>> FindIdsAsync(string table, string column, object value, CancellationToken cancellationToken)
    {
        await created.Value;
        if (LookupIndex.ValueKey(value) is not { } key)
        {
            return [];
        }
        var (from, to) = LookupIndex.Exact(column, key);
        var ids = new List<string>();
        await foreach (var entry in recordsTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey ge {from} and RowKey lt {to}"),
            1000, ["RowKey"], cancellationToken))
        {
            ids.Add(LookupIndex.IdOf(entry.RowKey));
        }
        return ids;
    }

    public async Task<IndexPage> FindIdsBetweenAsync(string table, string column, object low, object high, string? after, int max, CancellationToken cancellationToken)
    {
        await created.Value;
        if (LookupIndex.ValueKey(low) is not { } lowKey || LookupIndex.ValueKey(high) is not { } highKey)
        {
            return new IndexPage([], null);
        }
        var (from, to) = LookupIndex.Between(column, lowKey, highKey);
        // The position is the last row key returned: resuming after it is exact whatever was written meanwhile.
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey ge {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey gt {after} and RowKey lt {to}");
        if (after is not null && (string.CompareOrdinal(after, from) < 0 || string.CompareOrdinal(after, to) >= 0))
        {
            throw new ArgumentException("The position is not inside this range.", nameof(after));
        }
        var keys = new List<string>(max);
        await foreach (var page in recordsTable.QueryAsync<TableEntity>(filter, Math.Min(max, 1000), ["RowKey"], cancellationToken).AsPages(pageSizeHint: Math.Min(max, 1000)))
        {
            keys.AddRange(page.Values.Select(e => e.RowKey).Take(max - keys.Count));
            if (keys.Count >= max || page.ContinuationToken is null)
            {
                var more = keys.Count >= max;
                return new IndexPage([.. keys.Select(LookupIndex.IdOf)], more ? keys[^1] : null);
            }
        }
        return new IndexPage([.. keys.Select(LookupIndex.IdOf)], null);
    }

    /// <summary>How often a page that came back empty with a continuation (a service time-out) is followed within one call.</summary>
    private const int EmptyPageFollowUps = 2;

    public async Task<RecordPage> ScanPageAsync(string table, string? after, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await created.Value;
        // Keys only: RowKey < '~' leaves out the fan-out markers and index entries that share the partition.
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey lt {"~"}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey gt {after} and RowKey lt {"~"}");
        var take = Math.Min(max, 1000);
        var (entities, more) = await FirstPageAsync(filter, take, null, cancellationToken);
        var records = entities.Select(ToRecord).ToList();
        return new RecordPage(records, more && records.Count > 0 ? records[^1].Id : more ? after : null);
    }

    public async Task<IndexPage> ReadIndexPageAsync(string table, string column, string lowKey, string highKey, string? after, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        await created.Value;
        var (from, to) = LookupIndex.Between(column, lowKey, highKey);
        if (after is not null && string.CompareOrdinal(after, to) >= 0)
        {
            return new IndexPage([], null);
        }
        var filter = after is null || string.CompareOrdinal(after, from) < 0
            ? TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey ge {from} and RowKey lt {to}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey gt {after} and RowKey lt {to}");
        var (entries, more) = await FirstPageAsync(filter, Math.Min(max, 1000), ["RowKey"], cancellationToken);
        var keys = entries.Select(e => e.RowKey).ToList();
        return new IndexPage([.. keys.Select(LookupIndex.IdOf)], more && keys.Count > 0 ? keys[^1] : more ? after ?? from : null);
    }

    /// <summary>
    /// The first page of a key-range query (one request), following a continuation only while the service answers an empty
    /// page with one (at most <see cref="EmptyPageFollowUps"/> times), so a caller's cost per call stays bounded.
    /// </summary>
    private async Task<(IReadOnlyList<TableEntity> Entities, bool More)> FirstPageAsync(string filter, int take, string[]? select, CancellationToken cancellationToken)
    {
        string? token = null;
        for (var attempt = 0; ; attempt++)
        {
            await foreach (var page in recordsTable.QueryAsync<TableEntity>(filter, take, select, cancellationToken).AsPages(token, take))
            {
                token = page.ContinuationToken;
                if (page.Values.Count > 0 || token is null || attempt >= EmptyPageFollowUps)
                {
                    return (page.Values, token is not null);
                }
                break;
            }
            if (token is null)
            {
                return ([], false);
            }
        }
    }

    private const string MarkerPrefix = "~pending|";
    private const string MarkerEnd = "~pending}";

    private static TableEntity Marker(Record record) => new(record.Table, MarkerPrefix + record.Id)
    {
        ["At"] = record.ModifiedOn,
        ["Version"] = record.Version,
    };

    public async Task<RecordPage> ListAsync(string table, int pageSize, string? continuation, bool includeDeleted, CancellationToken cancellationToken)
    {
        await created.Value;
        var token = continuation is null ? null : DecodeContinuation(table, continuation);
        // Only the partition key is a caller value (and CreateQueryFilter quotes it); the property name must
        // stay unquoted, so the deleted clause is appended as text.
        // Fan-out markers and index entries share the partition; their row keys start with '~', which ids cannot contain.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {table} and RowKey lt {"~"}");
        if (!includeDeleted)
        {
            filter += $" and {DeletedProperty} eq false";
        }
        var records = new List<Record>(pageSize);
        // The service may return an empty page with a continuation when a filter skips rows; follow it a
        // few times so callers rarely see empty pages, but never loop unboundedly inside one request.
        for (var hop = 0; hop < 5; hop++)
        {
            await foreach (var page in recordsTable.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(token, pageSize))
            {
                records.AddRange(page.Values.Select(ToRecord));
                token = page.ContinuationToken;
                break;
            }
            if (records.Count > 0 || token is null)
            {
                break;
            }
        }
        return new RecordPage(records, token is null ? null : EncodeContinuation(table, token));
    }

    private static string EncodeContinuation(string table, string token)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(table + "\n" + token)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeContinuation(string table, string continuation)
    {
        try
        {
            var base64 = continuation.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline > 0 && text[..newline] == table && newline < text.Length - 1)
            {
                return text[(newline + 1)..];
            }
        }
        catch (FormatException)
        {
        }
        throw new InvalidContinuationException("The continuation token is not one this listing returned.");
    }

    private static TableEntity ToEntity(Record record)
    {
        var entity = new TableEntity(record.Table, record.Id)
        {
            [VersionProperty] = record.Version,
            [ModifiedOnProperty] = record.ModifiedOn,
            [ModifiedByProperty] = record.ModifiedBy,
            [DeletedProperty] = record.Deleted,
            [ChangeProperty] = record.ChangeId,
        };
        foreach (var (name, value) in record.Values)
        {
            entity[name] = value switch
            {
                decimal m => m.ToString(CultureInfo.InvariantCulture),
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                _ => value,
            };
        }
        return entity;
    }

    private Record ToRecord(TableEntity entity)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (schema.TryGetTable(entity.PartitionKey, out var tableSchema))
        {
            foreach (var column in tableSchema.Columns.Values)
            {
                if (entity.TryGetValue(column.Name, out var raw) && raw is not null)
                {
                    values[column.Name] = FromStorage(column.Type, raw);
                }
            }
        }
        return new Record(
            entity.PartitionKey,
            entity.RowKey,
            entity.GetInt64(VersionProperty) ?? 0,
            entity.GetDateTimeOffset(ModifiedOnProperty) ?? DateTimeOffset.MinValue,
            entity.GetString(ModifiedByProperty) ?? string.Empty,
            entity.GetBoolean(DeletedProperty) ?? false,
            values)
        {
            ChangeId = entity.GetString(ChangeProperty),
        };
    }

    /// <summary>Converts a stored property back to the column's value type; tolerates an older column type where it can.</summary>
    private static object? FromStorage(ColumnType type, object raw) => type switch
    {
        ColumnType.Decimal => raw is string s ? decimal.Parse(s, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture) : Convert.ToDecimal(raw, CultureInfo.InvariantCulture),
        ColumnType.Date => raw is string d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        ColumnType.Integer => Convert.ToInt64(raw, CultureInfo.InvariantCulture),
        ColumnType.Choice => Convert.ToInt32(raw, CultureInfo.InvariantCulture),
        ColumnType.Double => Convert.ToDouble(raw, CultureInfo.InvariantCulture),
        ColumnType.DateTime => raw is DateTimeOffset dto ? dto.ToUniversalTime() : raw is DateTime dt ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)) : null,
        _ => raw,
    };
}
