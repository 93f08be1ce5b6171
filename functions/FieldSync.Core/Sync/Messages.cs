using FieldSync.Core.Records;

namespace FieldSync.Core.Sync;

/// <summary>
/// Queue message: records were written (one record for an API write, a whole applied push batch for a device);
/// fan them out to the scopes that may carry them.
/// </summary>
public sealed record RecordChangedMessage(IReadOnlyList<ChangedRecord> Records);

/// <summary>A record a scope evaluation starts from.</summary>
public sealed record RecordKey(string Table, string Id);

/// <summary>
/// Queue message: bring one scope's buckets up to date. With <see cref="Records"/>, only those records and what
/// depends on them are evaluated (one commit for all of them); without, the whole scope is.
/// </summary>
public sealed record ScopeEvaluationMessage(string ScopeId, IReadOnlyList<RecordKey>? Records = null);

/// <summary>How many records one fan-out or scope-evaluation message carries at most (well inside the 64 KiB queue message).</summary>
public static class MessageLimits
{
    /// <summary>128-character ids, table names and marker ETags: 100 entries stay under 40 KiB even as Base64.</summary>
    public const int RecordsPerMessage = 100;
}
