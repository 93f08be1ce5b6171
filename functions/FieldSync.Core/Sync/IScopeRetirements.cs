using FieldSync.Core.Records;

namespace FieldSync.Core.Sync;

/// <summary>
/// Storage for retiring user scopes (see <see cref="ScopeRetirement"/>): a small list of the scopes being retired, and
/// the conditional steps that delete a scope's partition and its reverse-index entries without ever touching a scope
/// that a returning device has rebuilt meanwhile. Every step is conditional on the scope head's ETag.
/// </summary>
public interface IScopeRetirements
{
    /// <summary>Lists the scope for retirement (idempotent). Written before anything is deleted, so a crash resumes.</summary>
    Task EnlistAsync(string scopeId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> scopes listed for retirement (one query: the list is short-lived and small).</summary>
    Task<IReadOnlyList<string>> ListAsync(int max, CancellationToken cancellationToken);

    Task DelistAsync(string scopeId, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a live head as retiring, if it is still <paramref name="head"/> (ETag): the head's seq and every bucket's
    /// last seq and floor become one reserved seq above every op, counts and checksums zero. False when the head moved.
    /// </summary>
    Task<bool> BeginAsync(ScopeHead head, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="maxRows"/> rows (members, ops) of a retiring scope and the reverse-index entries of
    /// the members among them, all conditional on the head still being <paramref name="head"/>; when no rows are left,
    /// marks the head retired instead.
    /// </summary>
    Task<RetirementStep> DeleteChunkAsync(ScopeHead head, int maxRows, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes this scope's reverse-index entries for <paramref name="keys"/> while the scope is not live: each entry is
    /// deleted on the ETag it was read with, and only if the head is still <paramref name="head"/> after those reads, so
    /// an entry a rebuild writes is never deleted. False when the head moved (nothing was deleted).
    /// </summary>
    Task<bool> UnindexAsync(ScopeHead head, IReadOnlyCollection<RecordKey> keys, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the scope's registration retired (fan-outs by registration skip it) if the head is retired and the
    /// registration was not written since it was read: a device that re-registers the scope wins. False otherwise.
    /// </summary>
    Task<bool> MarkRegistrationRetiredAsync(string scopeId, CancellationToken cancellationToken);
}
