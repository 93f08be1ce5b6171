namespace FieldSync.Core.Sync;

/// <summary>What one run of <see cref="ScopeRetirement.ContinueAsync"/> did, and whether work is left for the next run.</summary>
public sealed record RetirementReport(int ScopesRetired, int ChunksDeleted, int RowsDeleted, bool MoreRemains);
