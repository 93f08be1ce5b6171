namespace FieldSync.Core.Records;

/// <summary>
/// A record of a declared table: system fields plus typed column values.
/// Values hold: string (String, Lookup), long (Integer), decimal (Decimal), double (Double), bool (Boolean),
/// DateTimeOffset in UTC (DateTime), DateOnly (Date), int (Choice). A null or absent value means "no value".
/// </summary>
public sealed record Record(
    string Table,
    string Id,
    long Version,
    DateTimeOffset ModifiedOn,
    string ModifiedBy,
    bool Deleted,
    IReadOnlyDictionary<string, object?> Values)
{
    /// <summary>
    /// The recent device changes that produced this record's versions (see <see cref="ChangeHistory"/>), newest
    /// first; null after any other writer. Lets a re-run of a pushed batch recognise its own writes.
    /// </summary>
    public string? ChangeId { get; init; }
}

/// <summary>A record as storage holds it, with the storage concurrency token used for If-Match writes.</summary>
public sealed record StoredRecord(Record Record, string ETag);

/// <summary>One page of a listing. <see cref="Continuation"/> is null on the last page.</summary>
public sealed record RecordPage(IReadOnlyList<Record> Records, string? Continuation);

/// <summary>The system of record's storage port. Implementations must be atomic per call.</summary>
public interface IRecordStore
{
    /// <summary>The record, including a tombstone, or null when the id was never written.</summary>
    Task<StoredRecord?> GetAsync(string table, string id, CancellationToken cancellationToken);

    /// <summary>Inserts a record whose id does not exist yet; false when it already exists (tombstones included).</summary>
    Task<bool> TryInsertAsync(Record record, CancellationToken cancellationToken);

    /// <summary>Replaces the record only if storage still holds <paramref name="etag"/>; false when it changed.</summary>
    Task<bool> TryReplaceAsync(Record record, string etag, CancellationToken cancellationToken);

    /// <summary>
    /// Pages through a table in id order. <paramref name="continuation"/> is a token this method returned;
    /// an unreadable token throws <see cref="InvalidContinuationException"/>.
    /// </summary>
    Task<RecordPage> ListAsync(string table, int pageSize, string? continuation, bool includeDeleted, CancellationToken cancellationToken);

    /// <summary>Live records of a table, optionally only those whose <paramref name="column"/> equals <paramref name="value"/>.</summary>
    IAsyncEnumerable<Record> QueryLiveAsync(string table, string? column, string? value, CancellationToken cancellationToken);

    /// <summary>
    /// Every insert and replace also writes a fan-out marker for the record, atomically. The marker's ETag, or null
    /// when no fan-out is pending.
    /// </summary>
    Task<string?> GetFanOutMarkerAsync(string table, string id, CancellationToken cancellationToken);

    /// <summary>Deletes the marker if it is still the one with <paramref name="markerETag"/> (a newer write keeps its own).</summary>
    Task CompleteFanOutAsync(string table, string id, string markerETag, CancellationToken cancellationToken);

    /// <summary>Ids whose fan-out marker is older than <paramref name="olderThan"/>: their fan-out was lost or is stuck.</summary>
    Task<IReadOnlyList<string>> ListPendingFanOutAsync(string table, DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>Tells the change feed that a record was written (the fan-out queue). Best effort: the marker is the safety net.</summary>
public interface IRecordChangeNotifier
{
    Task RecordChangedAsync(string table, string id, CancellationToken cancellationToken);
}

public sealed class InvalidContinuationException(string message) : Exception(message);
