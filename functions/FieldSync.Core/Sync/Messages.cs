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

/// <summary>What a <see cref="FeedSweepMessage"/> does with its page.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<FeedSweepKind>))]
public enum FeedSweepKind
{
    /// <summary>Queue an evaluation of each scope of the page (a profile changed, or a row may enter any of its scopes).</summary>
    EvaluateProfileScopes,
    /// <summary>Compact each scope of the page.</summary>
    CompactScopes,
    /// <summary>Fan out each row of the page: rows whose date or time lies in a window that time has crossed.</summary>
    TimeWindow,
}

/// <summary>
/// Queue message: work over many scopes or rows, one bounded page per message; each message does its page and queues
/// the next, so no function run loops over the fleet. Idempotent: a page done twice only repeats idempotent work.
/// </summary>
/// <param name="After">Where the page starts: the position the previous page ended at (null: the beginning).</param>
/// <param name="ProfileId">The profile whose scopes to evaluate; for compaction, null (every scope).</param>
/// <param name="Before">For compaction: remove ops older than this are dropped.</param>
/// <param name="Table">For a time window: the table and indexed date or time column, and the window's ends (both included).</param>
public sealed record FeedSweepMessage(
    FeedSweepKind Kind,
    string? After = null,
    string? ProfileId = null,
    DateTimeOffset? Before = null,
    string? Table = null,
    string? Column = null,
    DateTimeOffset? Low = null,
    DateTimeOffset? High = null)
{
    public static FeedSweepMessage EvaluateProfileScopes(string profileId) => new(FeedSweepKind.EvaluateProfileScopes, ProfileId: profileId);

    public static FeedSweepMessage CompactScopes(DateTimeOffset before) => new(FeedSweepKind.CompactScopes, Before: before);

    public static FeedSweepMessage TimeWindow(string table, string column, DateTimeOffset low, DateTimeOffset high)
        => new(FeedSweepKind.TimeWindow, Table: table, Column: column, Low: low, High: high);
}
