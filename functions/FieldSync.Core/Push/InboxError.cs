namespace FieldSync.Core.Push;

/// <summary>
/// A rejected or invalid change as the inbox head keeps it for the device status: its place in the device's error
/// count (<see cref="Number"/>), when it was decided, the change, why (<see cref="ChangeOutcome.Reason"/>, e.g.
/// Conflict or RecordNotFound, as <see cref="Code"/>), the message, and the batch it came in.
/// </summary>
public sealed record InboxError(long Number, DateTimeOffset At, string Table, string Id, string Status, string? Code, string? Message, string BatchId, long Sequence, string? SyncErrorId)
{
    /// <summary>Messages are cut to this length: the head stays small however long a rule's message is.</summary>
    public const int MaxMessageLength = 300;

    public static InboxError From(long number, DateTimeOffset at, InboxBatch batch, ChangeOutcome outcome)
        => new(number, at, outcome.Table, outcome.Id, outcome.Status == ChangeStatus.Invalid ? "invalid" : "rejected", outcome.Reason,
            outcome.Message is { Length: > MaxMessageLength } text ? text[..MaxMessageLength] : outcome.Message, batch.BatchId, batch.Sequence, outcome.SyncErrorId);
}
