namespace FieldSync.Client.Storage;

/// <summary>What a local create, update or delete did.</summary>
public enum LocalWriteStatus
{
    /// <summary>Queued as a new outbox entry.</summary>
    Queued,

    /// <summary>Merged into the record's change that was still waiting to be sent (see the outbox rules).</summary>
    Coalesced,

    /// <summary>A delete of a record created offline and never sent: both are gone, nothing will be sent.</summary>
    Cancelled,

    /// <summary>Record Not Found: nothing was queued.</summary>
    RecordNotFound,

    /// <summary>A create with an id the device already holds: nothing was queued.</summary>
    AlreadyExists,

    /// <summary>A create with the id of a record whose delete is still waiting to be sent: push first, nothing was queued.</summary>
    PendingDelete,
}
