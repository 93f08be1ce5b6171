namespace FieldSync.Core.Sync;

/// <summary>
/// What one chunk of a scope's retirement did (<see cref="IScopeRetirements.DeleteChunkAsync"/>): the rows it deleted,
/// whether the scope is now retired (nothing but the head left), and the head after it — null when another writer
/// moved the head first (another cleanup run, a device's comeback), so the caller reads it again.
/// </summary>
public sealed record RetirementStep(int Deleted, bool Finished, ScopeHead? Head);
