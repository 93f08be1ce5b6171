using System.Text.Json;
using FieldSync.Core.Schema;

namespace FieldSync.Core.Records;

/// <summary>
/// The system of record: create, read, update, delete and list records of any declared table.
/// Every write assigns the next version (strictly increasing per id, tombstones included), the server time
/// and the writer; updates and deletes are conditional on the version the caller last saw.
/// </summary>
public sealed class RecordService(SchemaCatalog schema, IRecordStore store, TimeProvider clock, IRecordChangeNotifier notifier)
{
    /// <summary>Azure Tables caps an entity at 1 MiB; we stay well under it so system fields always fit.</summary>
    public const int MaxRecordBytes = 900 * 1024;

    /// <summary>A racing writer can make a "*" write lose its ETag race; it retries this many times.</summary>
    private const int UnconditionalRetries = 5;

    public SchemaCatalog Schema => schema;

    public Task<RecordResult> CreateAsync(string table, JsonElement body, string userId, CancellationToken cancellationToken)
    {
        if (!schema.TryGetTable(table, out var tableSchema))
        {
            return Task.FromResult(UnknownTable(table));
        }
        var errors = new List<FieldError>();
        string? id = null;
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("id", out var idElement))
        {
            if (idElement.ValueKind != JsonValueKind.String)
            {
                errors.Add(new FieldError("id", "'id' must be a string."));
            }
            else
            {
                id = idElement.GetString();
            }
        }
        var values = RecordValues.ReadColumns(tableSchema, body, errors);
        return errors.Count > 0
            ? Task.FromResult(RecordResult.Invalid(errors))
            : CreateAsync(tableSchema, id, values, userId, cancellationToken);
    }

    /// <summary>
    /// Creates a record from typed values (used by seeding and server-side code). With <paramref name="collectFanOut"/>
    /// the write's fan-out is added there for the caller to send with others, instead of being sent now.
    /// </summary>
    public Task<RecordResult> CreateAsync(string table, string? id, IReadOnlyDictionary<string, object?> values, string userId, CancellationToken cancellationToken,
        ICollection<ChangedRecord>? collectFanOut = null)
    {
        if (!schema.TryGetTable(table, out var tableSchema))
        {
            return Task.FromResult(UnknownTable(table));
        }
        var errors = new List<FieldError>();
        CheckTyped(tableSchema, values, errors);
        return errors.Count > 0
            ? Task.FromResult(RecordResult.Invalid(errors))
            : CreateAsync(tableSchema, id, values, userId, cancellationToken, collectFanOut);
    }

    private async Task<RecordResult> CreateAsync(TableSchema table, string? id, IReadOnlyDictionary<string, object?> values, string userId, CancellationToken cancellationToken,
        ICollection<ChangedRecord>? collectFanOut = null)
    {
        var prepared = PrepareCreate(table, id ?? RecordIds.NewId(), values, null, userId, null);
        if (!prepared.Succeeded)
        {
            return prepared;
        }
        var record = prepared.Record!;
        var inserted = await store.TryInsertAsync(record, cancellationToken);
        if (inserted.Written)
        {
            await FanOutAsync(record, inserted, collectFanOut, cancellationToken);
            return prepared;
        }

        // The id exists. A live record is a conflict; a tombstone is revived with the next version so that
        // versions stay strictly increasing for the id and devices that saw the delete see the re-create.
        var existing = await store.GetAsync(table.Name, record.Id, cancellationToken);
        if (existing is null || !existing.Record.Deleted)
        {
            return new RecordResult(RecordOutcome.AlreadyExists, existing?.Record, Detail: $"A {table.Name} with id '{record.Id}' already exists.");
        }
        var revived = PrepareCreate(table, record.Id, values, existing.Record, userId, null).Record!;
        var replaced = await store.TryReplaceAsync(revived, existing, cancellationToken);
        if (!replaced.Written)
        {
            return new RecordResult(RecordOutcome.AlreadyExists, Detail: $"A {table.Name} with id '{record.Id}' was created concurrently.");
        }
        await FanOutAsync(revived, replaced, collectFanOut, cancellationToken);
        return new RecordResult(RecordOutcome.Created, revived);
    }

    /// <summary>
    /// The record a create writes, without writing it: version 1, or the version after <paramref name="tombstone"/>
    /// when it revives a deleted id. Checks ids, column types, required columns and size as every write does.
    /// <paramref name="changeId"/> marks a device's change (see <see cref="ChangeHistory"/>).
    /// </summary>
    public RecordResult PrepareCreate(string table, string id, IReadOnlyDictionary<string, object?> values, Record? tombstone, string userId, string? changeId)
    {
        if (!schema.TryGetTable(table, out var tableSchema))
        {
            return UnknownTable(table);
        }
        var errors = new List<FieldError>();
        CheckTyped(tableSchema, values, errors);
        return errors.Count > 0 ? RecordResult.Invalid(errors) : PrepareCreate(tableSchema, id, values, tombstone, userId, changeId);
    }

    private RecordResult PrepareCreate(TableSchema table, string id, IReadOnlyDictionary<string, object?> values, Record? tombstone, string userId, string? changeId)
    {
        if (!RecordIds.IsValid(id, out var idError))
        {
            return RecordResult.Invalid("id", idError!);
        }
        var clean = WithoutNulls(values);
        var errors = new List<FieldError>();
        RecordValues.CheckRequired(table, clean, errors);
        CheckSize(clean, errors);
        if (errors.Count > 0)
        {
            return RecordResult.Invalid(errors);
        }
        var version = (tombstone?.Version ?? 0) + 1;
        var record = new Record(table.Name, id, version, clock.GetUtcNow(), userId, false, clean)
        {
            ChangeId = History(tombstone?.ChangeId, changeId, version),
        };
        return new RecordResult(RecordOutcome.Created, record);
    }

    /// <summary>
    /// The record an update writes over <paramref name="current"/>, without writing it: the columns merged in
    /// (null clears one), the next version, the server time and the writer.
    /// </summary>
    public RecordResult PrepareUpdate(Record current, IReadOnlyDictionary<string, object?> changes, string userId, string? changeId)
    {
        if (!schema.TryGetTable(current.Table, out var table))
        {
            return UnknownTable(current.Table);
        }
        var errors = new List<FieldError>();
        CheckTyped(table, changes, errors);
        if (errors.Count > 0)
        {
            return RecordResult.Invalid(errors);
        }
        var merged = new Dictionary<string, object?>(current.Values, StringComparer.Ordinal);
        foreach (var (name, value) in changes)
        {
            merged[name] = value;
        }
        var clean = WithoutNulls(merged);
        RecordValues.CheckRequired(table, clean, errors);
        CheckSize(clean, errors);
        return errors.Count > 0 ? RecordResult.Invalid(errors) : new RecordResult(RecordOutcome.Ok, Next(current with { Values = clean }, userId, changeId));
    }

    /// <summary>The tombstone a delete writes over <paramref name="current"/> (no values, next version), without writing it.</summary>
    public RecordResult PrepareDelete(Record current, string userId, string? changeId)
        => new(RecordOutcome.Deleted, Next(current with { Deleted = true, Values = new Dictionary<string, object?>() }, userId, changeId));

    /// <summary>System fields of a write over the current record.</summary>
    private Record Next(Record changed, string userId, string? changeId) => changed with
    {
        Version = changed.Version + 1,
        ModifiedOn = clock.GetUtcNow(),
        ModifiedBy = userId,
        ChangeId = History(changed.ChangeId, changeId, changed.Version + 1),
    };

    public async Task<RecordResult> GetAsync(string table, string id, CancellationToken cancellationToken)
    {
        if (!schema.TryGetTable(table, out _))
        {
            return UnknownTable(table);
        }
        if (!RecordIds.IsValid(id, out var idError))
        {
            return RecordResult.Invalid("id", idError!);
        }
        var stored = await store.GetAsync(table, id, cancellationToken);
        return stored is null || stored.Record.Deleted
            ? NotFound(table, id, stored?.Record)
            : new RecordResult(RecordOutcome.Ok, stored.Record);
    }

    /// <summary>Merges the given columns into the record (null clears a column), if the version matches.</summary>
    public Task<RecordResult> UpdateAsync(string table, string id, VersionCondition condition, JsonElement patch, string userId, CancellationToken cancellationToken)
    {
        if (!schema.TryGetTable(table, out var tableSchema))
        {
            return Task.FromResult(UnknownTable(table));
        }
        var errors = new List<FieldError>();
        if (patch.ValueKind == JsonValueKind.Object && patch.TryGetProperty("id", out var bodyId)
            && (bodyId.ValueKind != JsonValueKind.String || bodyId.GetString() != id))
        {
            errors.Add(new FieldError("id", "The body's 'id' must match the id in the URL, or be left out."));
        }
        var changes = RecordValues.ReadColumns(tableSchema, patch, errors);
        return errors.Count > 0
            ? Task.FromResult(RecordResult.Invalid(errors))
            : UpdateAsync(tableSchema, id, condition, changes, userId, cancellationToken);
    }

    public Task<RecordResult> UpdateAsync(string table, string id, VersionCondition condition, IReadOnlyDictionary<string, object?> changes, string userId, CancellationToken cancellationToken,
        ICollection<ChangedRecord>? collectFanOut = null)
    {
        if (!schema.TryGetTable(table, out var tableSchema))
        {
            return Task.FromResult(UnknownTable(table));
        }
        var errors = new List<FieldError>();
        CheckTyped(tableSchema, changes, errors);
        return errors.Count > 0
            ? Task.FromResult(RecordResult.Invalid(errors))
            : UpdateAsync(tableSchema, id, condition, changes, userId, cancellationToken, collectFanOut);
    }

    private Task<RecordResult> UpdateAsync(TableSchema table, string id, VersionCondition condition, IReadOnlyDictionary<string, object?> changes, string userId, CancellationToken cancellationToken,
        ICollection<ChangedRecord>? collectFanOut = null)
        => WriteAsync(table, id, condition, collectFanOut, current => PrepareUpdate(current, changes, userId, null), cancellationToken);

    /// <summary>Deletes by writing a tombstone (no values, next version) so devices learn of the delete.</summary>
    public Task<RecordResult> DeleteAsync(string table, string id, VersionCondition condition, string userId, CancellationToken cancellationToken,
        ICollection<ChangedRecord>? collectFanOut = null)
    {
        if (!schema.TryGetTable(table, out var tableSchema))
        {
            return Task.FromResult(UnknownTable(table));
        }
        return WriteAsync(tableSchema, id, condition, collectFanOut, current => PrepareDelete(current, userId, null), cancellationToken);
    }

    public async Task<RecordResult<RecordPage>> ListAsync(string table, int pageSize, string? continuation, bool includeDeleted, CancellationToken cancellationToken)
    {
        if (!schema.TryGetTable(table, out _))
        {
            return new(UnknownTable(table), null);
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            return new(RecordResult.Invalid("pageSize", $"pageSize must be between 1 and {MaxPageSize}."), null);
        }
        try
        {
            var page = await store.ListAsync(table, pageSize, continuation, includeDeleted, cancellationToken);
            return new(new RecordResult(RecordOutcome.Ok), page);
        }
        catch (InvalidContinuationException ex)
        {
            return new(RecordResult.Invalid("continuation", ex.Message), null);
        }
    }

    public const int MaxPageSize = 1000;
    public const int DefaultPageSize = 100;

    private async Task<RecordResult> WriteAsync(
        TableSchema table,
        string id,
        VersionCondition condition,
        ICollection<ChangedRecord>? collectFanOut,
        Func<Record, RecordResult> prepare,
        CancellationToken cancellationToken)
    {
        if (!RecordIds.IsValid(id, out var idError))
        {
            return RecordResult.Invalid("id", idError!);
        }
        for (var attempt = 0; ; attempt++)
        {
            var stored = await store.GetAsync(table.Name, id, cancellationToken);
            if (stored is null || stored.Record.Deleted)
            {
                return NotFound(table.Name, id, stored?.Record);
            }
            var current = stored.Record;
            if (!condition.Matches(current.Version))
            {
                return new RecordResult(RecordOutcome.PreconditionFailed, current,
                    Detail: $"The {table.Name} '{id}' is at version {current.Version}, not {condition.Version}. Re-read it and apply your change again.");
            }
            var prepared = prepare(current);
            if (!prepared.Succeeded)
            {
                return prepared;
            }
            var replaced = await store.TryReplaceAsync(prepared.Record!, stored, cancellationToken);
            if (replaced.Written)
            {
                await FanOutAsync(prepared.Record!, replaced, collectFanOut, cancellationToken);
                return prepared;
            }
            // Someone wrote between our read and our write. With a version condition that write has moved the
            // record past the caller's version, so the caller lost: report the winner. With "*", try again.
            if (condition.Version is not null || attempt >= UnconditionalRetries)
            {
                var winner = await store.GetAsync(table.Name, id, cancellationToken);
                return winner is null || winner.Record.Deleted
                    ? NotFound(table.Name, id, winner?.Record)
                    : new RecordResult(RecordOutcome.PreconditionFailed, winner.Record,
                        Detail: $"The {table.Name} '{id}' was changed concurrently and is now at version {winner.Record.Version}.");
            }
        }
    }

    /// <summary>The record's change history after a write: a device change is appended, any other write keeps it (see <see cref="ChangeHistory"/>).</summary>
    private static string? History(string? before, string? changeId, long version)
        => changeId is null ? before : ChangeHistory.Append(before, changeId, version);

    private async Task FanOutAsync(Record record, StoreWrite write, ICollection<ChangedRecord>? collectFanOut, CancellationToken cancellationToken)
    {
        var change = new ChangedRecord(record.Table, record.Id, write.MarkerETag);
        if (collectFanOut is not null)
        {
            collectFanOut.Add(change); // the caller sends it with the others
            return;
        }
        try
        {
            await notifier.RecordsChangedAsync([change], cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The write is committed with its fan-out marker; the sweeper re-sends what this could not.
        }
    }

    private static void CheckTyped(TableSchema table, IReadOnlyDictionary<string, object?> values, List<FieldError> errors)
    {
        foreach (var (name, value) in values)
        {
            if (!table.TryGetColumn(name, out var column))
            {
                errors.Add(new FieldError(name, $"Table '{table.Name}' has no column '{name}'."));
            }
            else if (!RecordValues.Check(column, value, out var error))
            {
                errors.Add(new FieldError(name, error!));
            }
        }
    }

    /// <summary>About the bytes a record's values take in storage: strings as UTF-16, anything else at most 16, names too.</summary>
    public static long EstimatedBytes(IReadOnlyDictionary<string, object?> values)
    {
        long bytes = 0;
        foreach (var (name, value) in values)
        {
            bytes += 2 * name.Length + 8 + (value is string s ? 2L * s.Length : 16);
        }
        return bytes;
    }

    private static void CheckSize(IReadOnlyDictionary<string, object?> values, List<FieldError> errors)
    {
        var bytes = EstimatedBytes(values);
        if (bytes > MaxRecordBytes)
        {
            errors.Add(new FieldError("$", $"The record would take about {bytes / 1024} KiB; the maximum is {MaxRecordBytes / 1024} KiB."));
        }
    }

    private static Dictionary<string, object?> WithoutNulls(IReadOnlyDictionary<string, object?> values)
        => values.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

    private static RecordResult UnknownTable(string table)
        => new(RecordOutcome.UnknownTable, Detail: $"There is no table '{table}'. GET /api/schema lists the tables.");

    private static RecordResult NotFound(string table, string id, Record? tombstone)
        => new(RecordOutcome.NotFound, tombstone,
            Detail: tombstone is null
                ? $"There is no {table} with id '{id}'."
                : $"The {table} '{id}' was deleted (version {tombstone.Version}).");
}

/// <summary>A result that carries a value on success.</summary>
public sealed record RecordResult<T>(RecordResult Result, T? Value);
