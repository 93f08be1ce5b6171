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
    /// first; other writers leave it as it was. Lets a re-run of a pushed batch recognise its own writes.
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

    /// <summary>Inserts a record whose id does not exist yet; not written when it already exists (tombstones included).</summary>
    Task<StoreWrite> TryInsertAsync(Record record, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the record only if storage still holds <paramref name="previous"/> (its ETag); not written when it changed.
    /// The previous values say which index entries (<see cref="LookupIndex"/>) the write moves.
    /// </summary>
    Task<StoreWrite> TryReplaceAsync(Record record, StoredRecord previous, CancellationToken cancellationToken);

    /// <summary>
    /// Writes records of one table, each with its fan-out marker, in one transaction: a record whose
    /// <see cref="RecordWrite.ETag"/> is null is inserted, the others replaced only if storage still holds that ETag.
    /// All or nothing: null when any one of them changed (or exists) meanwhile. At most
    /// <see cref="RecordWrite.MaxActionsPerTransaction"/> actions (<see cref="LookupIndex.ActionsOf"/>) and
    /// <see cref="RecordWrite.MaxBytesPerTransaction"/>.
    /// </summary>
    Task<IReadOnlyList<StoreWrite>?> TryWriteAllAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken);

    /// <summary>
    /// Pages through a table in id order. <paramref name="continuation"/> is a token this method returned;
    /// an unreadable token throws <see cref="InvalidContinuationException"/>.
    /// </summary>
    Task<RecordPage> ListAsync(string table, int pageSize, string? continuation, bool includeDeleted, CancellationToken cancellationToken);

    /// <summary>Every live record of a table (reference data a profile carries whole): a key-range read of its partition.</summary>
    IAsyncEnumerable<Record> ScanLiveAsync(string table, CancellationToken cancellationToken);

    /// <summary>
    /// Ids of the live records whose indexed <paramref name="column"/> holds <paramref name="value"/> (<see cref="LookupIndex"/>):
    /// a key-range read of the index, exact at the moment it is read.
    /// </summary>
    Task<IReadOnlyList<string>> FindIdsAsync(string table, string column, object value, CancellationToken cancellationToken);

    /// <summary>
    /// One page (up to <paramref name="max"/>) of ids of live records whose indexed <paramref name="column"/> lies between
    /// <paramref name="low"/> and <paramref name="high"/>, both included, in value order; <paramref name="after"/> is the
    /// <see cref="IndexPage.Next"/> of the page before.
    /// </summary>
    Task<IndexPage> FindIdsBetweenAsync(string table, string column, object low, object high, string? after, int max, CancellationToken cancellationToken);

    /// <summary>
    /// One storage request of a table's record rows (tombstones included) in id order, after the id <paramref name="after"/>
    /// (from the start when null), at most <paramref name="max"/> (up to 1,000). <see cref="RecordPage.Continuation"/> is the id of
    /// the last row returned when more may follow (pass it back as <paramref name="after"/>), null at the end. A key range:
    /// the cost of a page never depends on what the rows hold. For online queries that no key narrows (bounded pages).
    /// </summary>
    Task<RecordPage> ScanPageAsync(string table, string? after, int max, CancellationToken cancellationToken);

    /// <summary>
    /// One storage request of the lookup index (<see cref="LookupIndex"/>) of <paramref name="column"/>: the ids of live
    /// records whose value key lies between <paramref name="lowKey"/> and <paramref name="highKey"/> (both included,
    /// <see cref="LookupIndex.ValueKey"/> forms), in value then id order, after the index row key <paramref name="after"/>,
    /// at most <paramref name="max"/> (up to 1,000). <see cref="IndexPage.Next"/> is the row key of the last entry returned when
    /// more may follow, null at the end. A position outside the range starts at its start (before it) or ends (after it).
    /// </summary>
    Task<IndexPage> ReadIndexPageAsync(string table, string column, string lowKey, string highKey, string? after, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Every insert and replace also writes a fan-out marker for the record, atomically. The marker's ETag, or null
    /// when no fan-out is pending.
    /// </summary>
    Task<string?> GetFanOutMarkerAsync(string table, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes each marker that is still the one with the given <see cref="ChangedRecord.Marker"/> ETag (a newer
    /// write keeps its own); changes without a marker ETag are skipped.
    /// </summary>
    Task CompleteFanOutAsync(IReadOnlyList<ChangedRecord> done, CancellationToken cancellationToken);

    /// <summary>Writes whose fan-out marker is older than <paramref name="olderThan"/> (their fan-out was lost or is stuck), with the marker's ETag.</summary>
    Task<IReadOnlyList<ChangedRecord>> ListPendingFanOutAsync(string table, DateTimeOffset olderThan, CancellationToken cancellationToken);
}

/// <summary>
/// The result of a conditional record write: whether it was written, and the ETag of the fan-out marker it left
/// (null when the store could not tell; the fan-out then reads the marker).
/// </summary>
public readonly record struct StoreWrite(bool Written, string? MarkerETag)
{
    public static readonly StoreWrite NotWritten = new(false, null);
}

/// <summary>One page of <see cref="IRecordStore.FindIdsBetweenAsync"/>; <see cref="Next"/> is null on the last.</summary>
public sealed record IndexPage(IReadOnlyList<string> Ids, string? Next);

/// <summary>
/// One record of a <see cref="IRecordStore.TryWriteAllAsync"/>: inserted when <see cref="Previous"/> is null, else
/// replaced on its ETag.
/// </summary>
public sealed record RecordWrite(Record Record, StoredRecord? Previous)
{
    /// <summary>The entity-group transaction limit: a record, its marker and its index changes are each one action.</summary>
    public const int MaxActionsPerTransaction = 100;

    public string? ETag => Previous?.ETag;

    /// <summary>
    /// Records count at their estimated stored (UTF-16) size; on the wire a string can take three times that
    /// (control characters escaped as \uXXXX in JSON), so 1 MiB keeps a transaction inside its 4 MiB body.
    /// </summary>
    public const long MaxBytesPerTransaction = 1024 * 1024;
}

/// <summary>A written record whose fan-out is due, with the ETag of the marker its write left when known.</summary>
public sealed record ChangedRecord(string Table, string Id, string? Marker = null);

/// <summary>
/// Tells the change feed that records were written (the fan-out queue): one call, and one message, for a whole
/// applied push batch. Best effort: the markers are the safety net.
/// </summary>
public interface IRecordChangeNotifier
{
    Task RecordsChangedAsync(IReadOnlyList<ChangedRecord> changes, CancellationToken cancellationToken);
}


public sealed class InvalidContinuationException(string message) : Exception(message);
