namespace FieldSync.Core.SyncErrors;

/// <summary>The kinds of sync error an admin sees (the seed's Settings > Sync Errors).</summary>
public enum SyncErrorType
{
    /// <summary>Conflict detection is Yes and the server's record changed since the device's version: the server won.</summary>
    Conflict,
    /// <summary>The device changed a record that no longer exists on the server, or is no longer in its offline data.</summary>
    RecordNotFound,
    /// <summary>The change was not valid for the schema (it could not be applied as sent).</summary>
    Validation,
    /// <summary>The device's user may not make this change (profile permissions, record outside the offline data).</summary>
    Permission,
    /// <summary>Anything else, e.g. a batch that kept failing and was set aside.</summary>
    Other,
}

/// <summary>
/// One recorded sync error. <see cref="Key"/> is chosen by the writer and identifies the failed change
/// (e.g. device, batch sequence and change index), so recording the same failure twice keeps one error.
/// </summary>
public sealed record SyncError(
    string Key,
    DateTimeOffset OccurredOn,
    SyncErrorType Type,
    string ErrorCode,
    string Message,
    string UserId,
    string DeviceId,
    string? Table,
    string? RecordId,
    string? Action,
    string? DeviceData,
    string? ServerData,
    string? BatchId)
{
    /// <summary>The id admins use to get this error; assigned by the store (stable for a given Key and OccurredOn).</summary>
    public string? Id { get; init; }
}

public sealed record SyncErrorQuery(
    string? UserId = null,
    string? DeviceId = null,
    string? Table = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    int PageSize = 100,
    string? Continuation = null);

public sealed record SyncErrorPage(IReadOnlyList<SyncError> Errors, string? Continuation);

/// <summary>Where sync errors are kept for admins.</summary>
public interface ISyncErrorStore
{
    /// <summary>Records an error. Idempotent: the same Key and OccurredOn keep a single error.</summary>
    Task<SyncError> AddAsync(SyncError syncError, CancellationToken cancellationToken);

    Task<SyncError?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Newest first, filtered, a page at a time. An unreadable continuation throws <see cref="FieldSync.Core.Records.InvalidContinuationException"/>.</summary>
    Task<SyncErrorPage> ListAsync(SyncErrorQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes errors older than <paramref name="before"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
