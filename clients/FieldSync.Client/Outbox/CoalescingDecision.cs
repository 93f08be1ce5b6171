namespace FieldSync.Client.Outbox;

/// <summary>What a new local change does to the outbox, given the record's pending entry (see <see cref="OutboxCoalescing"/>).</summary>
internal enum CoalescingDecision
{
    /// <summary>Queue a new entry at the end of the outbox.</summary>
    Append,

    /// <summary>Keep the pending entry's action and base version, replace its values with the new whole row.</summary>
    ReplaceValues,

    /// <summary>Turn the pending update into a delete that keeps the update's base version.</summary>
    BecomeDelete,

    /// <summary>The record was created offline and deleted before it was sent: the server never hears of it.</summary>
    DropPending,
}
