namespace FieldSync.Client.Storage;

/// <summary>What applying one pull page changed.</summary>
internal sealed record PullApplyResult(int Upserted, int Removed, bool Cleared, int NewSyncErrors, IReadOnlyList<IntegrityMismatch> Mismatches);
