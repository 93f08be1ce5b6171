namespace FieldSync.Client.Outbox;

/// <summary>
/// The outbox coalescing rules. A later change merges into the record's <b>pending</b> entry (one not in a batch yet),
/// which keeps its place in the order; entries in a prepared or sent batch are frozen, so a change after them is
/// appended. The push protocol allows this because every change carries the whole row (conflicts are per record,
/// never per field) and the base version is the version the device last saw:
/// <list type="table">
/// <item><term>create + update</term><description>one create with the updated row</description></item>
/// <item><term>create + delete</term><description>nothing is sent</description></item>
/// <item><term>update + update</term><description>one update with the latest row and the first base version</description></item>
/// <item><term>update + delete</term><description>one delete with the first base version</description></item>
/// <item><term>delete + anything</term><description>refused locally: the record is gone on the device</description></item>
/// </list>
/// </summary>
internal static class OutboxCoalescing
{
    /// <summary>The decision for <paramref name="action"/> on a record whose pending entry is <paramref name="pending"/> (null: none).</summary>
    /// <exception cref="InvalidOperationException">A create over a pending create or update, or anything over a pending delete: the caller checks the record's state first.</exception>
    public static CoalescingDecision Decide(OutboxEntry? pending, OutboxAction action)
    {
        if (pending is null)
        {
            return CoalescingDecision.Append;
        }
        if (pending.State != OutboxEntryState.Pending)
        {
            throw new ArgumentException("Only a pending entry can be coalesced into.", nameof(pending));
        }
        return (pending.Action, action) switch
        {
            (OutboxAction.Create, OutboxAction.Update) or (OutboxAction.Update, OutboxAction.Update) => CoalescingDecision.ReplaceValues,
            (OutboxAction.Create, OutboxAction.Delete) => CoalescingDecision.DropPending,
            (OutboxAction.Update, OutboxAction.Delete) => CoalescingDecision.BecomeDelete,
            _ => throw new InvalidOperationException($"A {action} cannot follow a pending {pending.Action} of {pending.Table}/{pending.Id}."),
        };
    }
}
