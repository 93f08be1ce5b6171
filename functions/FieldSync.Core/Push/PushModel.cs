using System.Text.Json.Serialization;

namespace FieldSync.Core.Push;

public enum ChangeAction
{
    Create,
    Update,
    Delete,
}

/// <summary>One offline change as the device sent it; values are kept as the device's JSON until applied.</summary>
public sealed class PushChange
{
    [JsonPropertyName("action")] public ChangeAction Action { get; set; }
    [JsonPropertyName("table")] public string Table { get; set; } = "";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    /// <summary>The record version the device last saw (update, delete). Conflict = the server's version differs.</summary>
    [JsonPropertyName("baseVersion")] public long? BaseVersion { get; set; }
    /// <summary>The columns the device set (create, update), as JSON.</summary>
    [JsonPropertyName("values")] public System.Text.Json.JsonElement? Values { get; set; }
}

/// <summary>What became of one change.</summary>
public enum ChangeStatus
{
    Applied,
    /// <summary>Refused by the server's rules (a conflict the server won, a record gone, not permitted): see the reason.</summary>
    Rejected,
    /// <summary>Could not be applied as sent (it no longer fits the schema).</summary>
    Invalid,
}

public sealed class ChangeOutcome
{
    [JsonPropertyName("index")] public int Index { get; set; }
    [JsonPropertyName("table")] public string Table { get; set; } = "";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("status")] public ChangeStatus Status { get; set; }
    /// <summary>Conflict, RecordNotFound, Validation, Permission or Other for rejected and invalid changes.</summary>
    [JsonPropertyName("reason")] public string? Reason { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
    /// <summary>The record's version after an applied change.</summary>
    [JsonPropertyName("version")] public long? Version { get; set; }
    /// <summary>The record as the server holds it, when the change was rejected (the technician sees what won).</summary>
    [JsonPropertyName("current")] public System.Text.Json.JsonElement? Current { get; set; }
    [JsonPropertyName("syncErrorId")] public string? SyncErrorId { get; set; }
}

public enum BatchStatus
{
    /// <summary>Stored, waiting for its turn.</summary>
    Accepted,
    /// <summary>Every change has an outcome.</summary>
    Completed,
    /// <summary>Kept failing (poison); its changes are reported as sync errors and stay in the inbox.</summary>
    Failed,
}

/// <summary>A batch as stored in the device's inbox.</summary>
public sealed record InboxBatch(
    string DeviceId,
    string UserId,
    string BatchId,
    long Sequence,
    DateTimeOffset AcceptedOn,
    IReadOnlyList<PushChange> Changes,
    BatchStatus Status,
    IReadOnlyList<ChangeOutcome> Outcomes,
    string ETag)
{
    /// <summary>
    /// <see cref="BatchContent.Hash"/> of the batch as accepted: a re-send with the same id must carry the same
    /// content. Null for batches stored before it was kept (it is then computed from the stored changes).
    /// </summary>
    public string? ContentHash { get; init; }

    /// <summary>Whether <paramref name="hash"/> is this batch's content.</summary>
    public bool HasContent(string hash) => (ContentHash ?? BatchContent.Hash(Sequence, Changes)) == hash;
}

/// <summary>
/// A device's inbox head: the last sequence accepted and the last one fully processed, and the counters the device
/// status shows (kept in the same transactions that move the sequences, so they cost nothing more): batches and
/// changes accepted and processed (pending uploads are the difference), rejected or invalid outcomes so far, and the
/// latest few of them.
/// </summary>
public sealed record InboxHead(string DeviceId, long AcceptedSequence, long ProcessedSequence, string? ETag)
{
    /// <summary>How many of the latest rejected or invalid outcomes the head keeps.</summary>
    public const int MaxRecentErrors = 5;

    /// <summary>The worker applying the device's batches, while <see cref="LeaseUntil"/> has not passed.</summary>
    public string? LeaseOwner { get; init; }

    public DateTimeOffset? LeaseUntil { get; init; }

    /// <summary>When the last batch was accepted (the device's last push).</summary>
    public DateTimeOffset? LastAcceptedOn { get; init; }

    public long AcceptedBatches { get; init; }

    public long AcceptedChanges { get; init; }

    public long ProcessedBatches { get; init; }

    public long ProcessedChanges { get; init; }

    /// <summary>Rejected or invalid outcomes recorded so far; each error's <see cref="InboxError.Number"/> is its place in this count.</summary>
    public long ErrorCount { get; init; }

    /// <summary>The latest <see cref="MaxRecentErrors"/> rejected or invalid outcomes, oldest first.</summary>
    public IReadOnlyList<InboxError> RecentErrors { get; init; } = [];

    /// <summary>Batches accepted and not processed yet (never negative: heads from before the counters count from zero).</summary>
    public long PendingBatches => Math.Max(0, AcceptedBatches - ProcessedBatches);

    /// <summary>Changes accepted and not processed yet: Power Apps counts pending uploads as individual changes.</summary>
    public long PendingChanges => Math.Max(0, AcceptedChanges - ProcessedChanges);

    /// <summary>The head's counters after <paramref name="batch"/> is accepted.</summary>
    public InboxHead Accepting(InboxBatch batch)
        => this with { AcceptedSequence = batch.Sequence, LastAcceptedOn = batch.AcceptedOn, AcceptedBatches = AcceptedBatches + 1, AcceptedChanges = AcceptedChanges + batch.Changes.Count };

    /// <summary>The head's counters after <paramref name="batch"/> is processed with <paramref name="outcomes"/>.</summary>
    public InboxHead Completing(InboxBatch batch, IReadOnlyList<ChangeOutcome> outcomes, DateTimeOffset now)
    {
        var errors = RecentErrors.ToList();
        var count = ErrorCount;
        foreach (var outcome in outcomes.Where(o => o.Status != ChangeStatus.Applied))
        {
            count++;
            errors.Add(InboxError.From(count, now, batch, outcome));
        }
        // A head from before the counters may have processed more than it counted as accepted.
        var accepted = Math.Max(AcceptedBatches, ProcessedBatches + 1);
        return this with
        {
            ProcessedSequence = batch.Sequence,
            AcceptedBatches = accepted,
            AcceptedChanges = Math.Max(AcceptedChanges, ProcessedChanges + batch.Changes.Count),
            ProcessedBatches = ProcessedBatches + 1,
            ProcessedChanges = ProcessedChanges + batch.Changes.Count,
            ErrorCount = count,
            RecentErrors = errors.Skip(Math.Max(0, errors.Count - MaxRecentErrors)).ToList(),
        };
    }
}

public enum AcceptResult
{
    Accepted,
    /// <summary>The batch id was already accepted: the stored batch is returned, nothing changes.</summary>
    Duplicate,
    /// <summary>The sequence is not above the last accepted one (and the batch id is new).</summary>
    SequenceNotIncreasing,
    /// <summary>Another request changed the inbox at the same time; retry.</summary>
    Contended,
}

/// <summary>The device's inbox: one partition per device, so a batch, its id and the head change atomically.</summary>
public interface IInbox
{
    Task<InboxHead> GetHeadAsync(string deviceId, CancellationToken cancellationToken);

    Task<(AcceptResult Result, InboxBatch? Batch)> AcceptAsync(InboxBatch batch, InboxHead head, CancellationToken cancellationToken);

    Task<InboxBatch?> GetBatchAsync(string deviceId, string batchId, CancellationToken cancellationToken);

    /// <summary>Accepted batches above the processed sequence, in order.</summary>
    Task<IReadOnlyList<InboxBatch>> PendingAsync(string deviceId, long processedSequence, CancellationToken cancellationToken);

    /// <summary>The first batch above the processed sequence, if any.</summary>
    Task<InboxBatch?> NextPendingAsync(string deviceId, long processedSequence, CancellationToken cancellationToken);

    /// <summary>Records the batch's outcomes and advances the processed sequence, atomically and only from <paramref name="head"/>.</summary>
    Task<bool> CompleteAsync(InboxBatch batch, BatchStatus status, IReadOnlyList<ChangeOutcome> outcomes, InboxHead head, CancellationToken cancellationToken);

    /// <summary>
    /// Takes (or renews) the device's apply lease for <paramref name="owner"/> until <paramref name="until"/>, if it is
    /// free, expired at <paramref name="now"/> or already the owner's. Returns the head with the lease, or null.
    /// </summary>
    Task<InboxHead?> TryLeaseAsync(string deviceId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives the lease up if <paramref name="owner"/> still holds it.</summary>
    Task ReleaseAsync(string deviceId, string owner, CancellationToken cancellationToken);

    /// <summary>Removes the device from the waiting list if nothing above <paramref name="processedSequence"/> was accepted.</summary>
    Task ClearWaitingAsync(string deviceId, long processedSequence, CancellationToken cancellationToken);

    /// <summary>Batches processed after <paramref name="afterSequence"/>, in order (for the outcomes a pull returns).</summary>
    Task<IReadOnlyList<InboxBatch>> ProcessedAfterAsync(string deviceId, long afterSequence, int max, CancellationToken cancellationToken);

    /// <summary>Devices with accepted batches still waiting since before <paramref name="olderThan"/> (their message was lost).</summary>
    Task<IReadOnlyList<string>> StalledDevicesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a removed device's whole inbox (processed batches, ids, parts, then the head) if nothing was accepted
    /// since <paramref name="head"/> was read: every step is conditional on the head's ETag. False when a batch arrived
    /// meanwhile (the inbox is kept, so nothing pushed is lost).
    /// </summary>
    Task<bool> RemoveIfIdleAsync(InboxHead head, CancellationToken cancellationToken);

    /// <summary>
    /// Purges up to <paramref name="max"/> processed batches accepted on UTC days before the day of
    /// <paramref name="acceptedBefore"/>, read from a by-day index (only what is due is read). The inbox head stays, so a
    /// purged batch id sent again is refused as <see cref="AcceptResult.SequenceNotIncreasing"/>, never applied twice.
    /// </summary>
    Task<InboxPurgeResult> PurgeProcessedAsync(DateTimeOffset acceptedBefore, int max, CancellationToken cancellationToken);
}

/// <summary>Queue work for pushed batches.</summary>
public interface IPushWork
{
    Task EnqueueDeviceAsync(string deviceId, CancellationToken cancellationToken);
}

/// <summary>Queue message: apply the device's waiting batches.</summary>
public sealed record PushMessage(string DeviceId);
