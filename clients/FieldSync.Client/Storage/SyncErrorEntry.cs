namespace FieldSync.Client.Storage;

/// <summary>
/// A pushed change the server did not apply, as the app shows it (the seed's sync errors on the device).
/// </summary>
/// <param name="Status"><c>rejected</c> or <c>invalid</c>.</param>
/// <param name="Reason">Conflict, RecordNotFound, Validation, Permission or Other.</param>
/// <param name="ServerErrorId">The sync error an admin finds in Settings &gt; Sync Errors; null for a batch refused whole.</param>
/// <param name="CurrentJson">The server's record when it won a conflict and the technician may read it.</param>
public sealed record SyncErrorEntry(
    long Id,
    string? BatchId,
    long? Sequence,
    string? Table,
    string? RecordId,
    string Status,
    string? Reason,
    string? Message,
    string? ServerErrorId,
    string? CurrentJson,
    DateTimeOffset ReceivedAt);
