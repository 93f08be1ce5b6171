namespace FieldSync.Client.Outbox;

/// <summary>Where a queued change is on its way to the server.</summary>
internal enum OutboxEntryState
{
    /// <summary>Queued and not in a batch yet: the only state a later local change may coalesce into.</summary>
    Pending,

    /// <summary>In a batch that is stored and maybe sent, with no 202 yet: frozen, re-sent with the same batch id and bytes.</summary>
    Prepared,

    /// <summary>The server accepted its batch (202); its outcome comes on a later pull or from the receipt.</summary>
    Sent,

    /// <summary>Applied at <see cref="OutboxEntry.AppliedVersion"/>; still shown over the stored row until a pull delivers that version.</summary>
    Applied,
}
