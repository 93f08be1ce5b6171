namespace FieldSync.Client.Storage;

/// <summary>The outcome of a local write, and the record as the app now sees it (null after a delete or a refusal).</summary>
public sealed record LocalWriteResult(LocalWriteStatus Status, LocalRecord? Record)
{
    /// <summary>The change is in the outbox (queued, coalesced or cancelled out), not refused.</summary>
    public bool Accepted => Status is LocalWriteStatus.Queued or LocalWriteStatus.Coalesced or LocalWriteStatus.Cancelled;
}
