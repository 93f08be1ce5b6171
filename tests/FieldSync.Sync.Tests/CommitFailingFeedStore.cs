using FieldSync.Core.Sync;

namespace FieldSync.Sync.Tests;

/// <summary>
/// The Azure Tables feed store, except that while <see cref="Failing"/> is set every commit throws: a scope that
/// cannot be written (storage trouble, or contention that never lets up). Everything else goes to the real store.
/// </summary>
internal sealed class CommitFailingFeedStore(IFeedStore inner) : IFeedStore
{
    public bool Failing { get; set; }

    public Task<bool> CommitAsync(string scopeId, ScopeHead? expected, ScopeEvaluation evaluation, IReadOnlyList<MemberChange> changes, DateTimeOffset now,
        CancellationToken cancellationToken, IReadOnlyCollection<RecordKey>? indexed = null)
        => Failing
            ? throw new InvalidOperationException($"Injected: the commit to {scopeId} failed.")
            : inner.CommitAsync(scopeId, expected, evaluation, changes, now, cancellationToken, indexed);

    public Task IndexReferencesAsync(string scopeId, IReadOnlyCollection<RecordKey> referenced, CancellationToken cancellationToken)
        => inner.IndexReferencesAsync(scopeId, referenced, cancellationToken);

    public Task<ScopeHead?> GetHeadAsync(string scopeId, CancellationToken cancellationToken) => inner.GetHeadAsync(scopeId, cancellationToken);

    public Task<IReadOnlyList<Member>> GetMembersAsync(string scopeId, CancellationToken cancellationToken) => inner.GetMembersAsync(scopeId, cancellationToken);

    public Task<Member?> GetMemberAsync(string scopeId, string table, string id, CancellationToken cancellationToken) => inner.GetMemberAsync(scopeId, table, id, cancellationToken);

    public Task<IReadOnlyList<Member>> GetBucketMembersAsync(string scopeId, string table, CancellationToken cancellationToken) => inner.GetBucketMembersAsync(scopeId, table, cancellationToken);

    public Task<IReadOnlyList<FeedOp>> ReadOpsAtAsync(string scopeId, string table, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken)
        => inner.ReadOpsAtAsync(scopeId, table, seqs, cancellationToken);

    public Task<IReadOnlyList<Member>> FindMembersAsync(string scopeId, string table, string column, string value, CancellationToken cancellationToken)
        => inner.FindMembersAsync(scopeId, table, column, value, cancellationToken);

    public Task<FeedPage> ReadOpsAsync(string scopeId, string table, long afterSeq, int max, CancellationToken cancellationToken) => inner.ReadOpsAsync(scopeId, table, afterSeq, max, cancellationToken);

    public Task<int> CompactAsync(string scopeId, DateTimeOffset before, CancellationToken cancellationToken) => inner.CompactAsync(scopeId, before, cancellationToken);

    public Task<IReadOnlyList<string>> ScopesHoldingAsync(string table, string id, CancellationToken cancellationToken) => inner.ScopesHoldingAsync(table, id, cancellationToken);

    public Task RegisterScopeAsync(ScopeRegistration registration, CancellationToken cancellationToken) => inner.RegisterScopeAsync(registration, cancellationToken);

    public Task<ScopeRegistration?> GetScopeAsync(string scopeId, CancellationToken cancellationToken) => inner.GetScopeAsync(scopeId, cancellationToken);

    public Task<IReadOnlyList<ScopeRegistration>> ListBuildingScopesAsync(CancellationToken cancellationToken) => inner.ListBuildingScopesAsync(cancellationToken);

    public Task<ScopeListPage> ListScopesAsync(string? profileId, string? after, int max, CancellationToken cancellationToken) => inner.ListScopesAsync(profileId, after, max, cancellationToken);

    public Task<FeedCursor?> GetCursorAsync(string name, CancellationToken cancellationToken) => inner.GetCursorAsync(name, cancellationToken);

    public Task<bool> TrySetCursorAsync(string name, DateTimeOffset at, FeedCursor? expected, CancellationToken cancellationToken) => inner.TrySetCursorAsync(name, at, expected, cancellationToken);
}
