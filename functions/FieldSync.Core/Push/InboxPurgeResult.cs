namespace FieldSync.Core.Push;

/// <summary>What one purge of processed batches did: batches deleted, batches kept because they still wait, and whether more is due.</summary>
public sealed record InboxPurgeResult(int Purged, int StillWaiting, bool MoreRemains);
