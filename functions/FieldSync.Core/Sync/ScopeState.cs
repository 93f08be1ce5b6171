namespace FieldSync.Core.Sync;

/// <summary>
/// Where a scope stands in its life. A user scope whose technician has no device left is retired by the cleanup
/// timer (<see cref="ScopeRetirement"/>): its head is kept, marked, so that a device coming back rebuilds the scope
/// from nothing instead of reading what is left of the old log.
/// </summary>
public enum ScopeState
{
    /// <summary>Maintained as usual.</summary>
    Live,

    /// <summary>
    /// Being deleted in chunks: every bucket's floor and last seq were raised to a reserved seq that no op uses, so
    /// any checkpoint of the old log must start over, and evaluations leave it alone.
    /// </summary>
    Retiring,

    /// <summary>Only the head is left (with its raised floors); the next first sync of the user builds the scope again above them.</summary>
    Retired,
}
