using System.IO.Hashing;
using System.Text;

namespace FieldSync.Core.Sync;

/// <summary>
/// A scope is one ordered change feed in one storage partition: every user-scoped table of a technician's
/// profile lives in that technician's scope; the tables every technician of a profile shares (all products,
/// booking statuses...) live in the profile's shared scope. A bucket is one table within a scope; the device
/// keeps one checkpoint (an op sequence number) per bucket.
/// </summary>
public static class ScopeIds
{
    public static string ForUser(string userId) => "u|" + userId;

    /// <summary>A profile's shared scope: the copy every server-side check reads (see <see cref="SharedCopy"/>).</summary>
    public static string Shared(string profileId) => "s|" + profileId;

    /// <summary>
    /// One of the copies of a profile's shared scope that devices read (<see cref="SyncOptions.SharedScopeReplicas"/>):
    /// copy 0 is <see cref="Shared"/>; the others are evaluated from the same records and so hold the same rows.
    /// </summary>
    public static string SharedCopy(string profileId, int copy) => copy == 0 ? Shared(profileId) : $"s|{profileId}|{copy}";

    /// <summary>The copy a device reads: the same one on every pull while the number of copies stays the same.</summary>
    public static string SharedCopyFor(string profileId, string? deviceId, int copies)
        => deviceId is null || copies <= 1 ? Shared(profileId) : SharedCopy(profileId, (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(deviceId)) % (uint)copies));

    /// <summary>Whether the id is a copy of a profile's shared scope, in the exact form <see cref="SharedCopy"/> writes.</summary>
    public static bool IsSharedCopy(string scopeId)
    {
        if (!scopeId.StartsWith("s|", StringComparison.Ordinal) || !Profiles.ProfileParser.IsValidId(ProfileOfShared(scopeId)))
        {
            return false;
        }
        var suffix = scopeId[(2 + ProfileOfShared(scopeId).Length)..];
        return suffix.Length == 0
            || (suffix[0] == '|' && int.TryParse(suffix.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var copy)
                && copy is > 0 and < SyncOptions.MaxSharedScopeReplicas && scopeId == SharedCopy(ProfileOfShared(scopeId), copy));
    }

    /// <summary>The profile of a shared scope id (any copy).</summary>
    public static string ProfileOfShared(string scopeId)
    {
        var rest = scopeId[2..];
        var bar = rest.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? rest : rest[..bar];
    }

    public static bool IsUserScope(string scopeId) => scopeId.StartsWith("u|", StringComparison.Ordinal);

    public static string UserOf(string scopeId) => scopeId[2..];
}

public enum FeedOpKind
{
    Put,
    Remove,
}

/// <summary>Per-bucket figures kept in the scope head, updated in the same transaction as the ops.</summary>
public sealed record BucketState(string Table, long LastSeq, long Count, long Checksum, long Floor)
{
    public static BucketState Empty(string table) => new(table, 0, 0, 0, 0);
}

/// <summary>The head of a scope: its last op sequence and what was evaluated, plus every bucket's figures.</summary>
public sealed record ScopeHead(
    string ScopeId,
    long Seq,
    string? ProfileId,
    string? ProfileRevision,
    string? ResourceId,
    DateTimeOffset? EvaluatedOn,
    IReadOnlyDictionary<string, BucketState> Buckets,
    string ETag)
{
    /// <summary>Live, or being retired by the cleanup timer (<see cref="ScopeRetirement"/>): then only a first sync rebuilds it.</summary>
    public ScopeState State { get; init; }

    public BucketState Bucket(string table) => Buckets.TryGetValue(table, out var b) ? b : BucketState.Empty(table);
}

/// <summary>Whether a record is in a bucket, at which version, and the lookups it had (relationships read them).</summary>
public sealed record Member(string Table, string Id, long Version, bool In, long OpSeq, IReadOnlyDictionary<string, string> Links);

/// <summary>One change to apply to a bucket: put a record (new or new version) or remove it.</summary>
public sealed record MemberChange(string Table, string Id, FeedOpKind Kind, long Version, string? Data, IReadOnlyDictionary<string, string> Links, Member? Previous);

/// <summary>An entry of a bucket's operation log.</summary>
public sealed record FeedOp(string Table, long Seq, string Id, FeedOpKind Kind, long Version, string? Data, DateTimeOffset At);

public sealed record FeedPage(IReadOnlyList<FeedOp> Ops, bool HasMore);

/// <summary>What a commit records in the head besides the ops.</summary>
public sealed record ScopeEvaluation(string ProfileId, string ProfileRevision, string? ResourceId, DateTimeOffset EvaluatedOn);

/// <summary>
/// A profile's revision: a hash of its normalized JSON. The scope head records the revision it was evaluated
/// with, so a pull can use a cached copy of exactly that profile without reading storage.
/// </summary>
public static class ProfileRevisions
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Profiles.OfflineProfile, string> Cache = new();

    public static string Of(Profiles.OfflineProfile profile)
        => Cache.GetValue(profile, p => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(p.ToJson())).ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>A scope known to the feed (so record changes can find the scopes to re-evaluate).</summary>
/// <param name="Building">
/// Registered for its first build, which has not committed yet. Its rows are not in the reverse index while the
/// build reads them, so a write to a table it carries fans out to it anyway: a row the build read and the
/// dispatcher then gave to another technician would otherwise stay in it.
/// </param>
/// <param name="Retired">
/// The scope was retired (its user had no device left): fan-outs that find it by its registration skip it. Registering
/// it again (a device's first sync rebuilds it) clears the mark.
/// </param>
public sealed record ScopeRegistration(string ScopeId, string ProfileId, string? UserId, bool Building = false, bool Retired = false);

/// <summary>A timer's position (see <see cref="IFeedStore.GetCursorAsync"/>) and the ETag it is replaced on.</summary>
public sealed record FeedCursor(DateTimeOffset At, string ETag);

/// <summary>One page of <see cref="IFeedStore.ListScopesAsync"/>; <see cref="Next"/> is null on the last.</summary>
public sealed record ScopeListPage(IReadOnlyList<ScopeRegistration> Scopes, string? Next);

/// <summary>
/// The change feed's storage port. Each scope is one partition; a commit appends ops, updates members and the
/// head in entity-group transactions that are conditional on the head's ETag, so two writers can never
/// interleave their ops and a sequence number is never used twice.
/// </summary>
public interface IFeedStore
{
    Task<ScopeHead?> GetHeadAsync(string scopeId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Member>> GetMembersAsync(string scopeId, CancellationToken cancellationToken);

    Task<Member?> GetMemberAsync(string scopeId, string table, string id, CancellationToken cancellationToken);

    /// <summary>Every member row of one bucket, in and out: one range query where several point reads would cost more.</summary>
    Task<IReadOnlyList<Member>> GetBucketMembersAsync(string scopeId, string table, CancellationToken cancellationToken);

    /// <summary>
    /// The ops of one bucket at the given sequence numbers that still exist (a newer op of the same record deleted the
    /// older one), by key ranges of at most 1,000 sequence numbers each (a point read for a lone one), so ops close
    /// together in the log cost one storage transaction between them.
    /// </summary>
    Task<IReadOnlyList<FeedOp>> ReadOpsAtAsync(string scopeId, string table, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken);

    /// <summary>Members of a bucket that are in and whose lookup <paramref name="column"/> holds <paramref name="value"/>.</summary>
    Task<IReadOnlyList<Member>> FindMembersAsync(string scopeId, string table, string column, string value, CancellationToken cancellationToken);

    /// <summary>
    /// Applies the changes after <paramref name="expected"/> (null: the scope does not exist yet). Returns false,
    /// having written nothing more, when another writer moved the head first: re-read and try again.
    /// Large commits are split into several transactions, each consistent on its own. Rows in
    /// <paramref name="indexed"/> already have their reverse-index entry (the caller wrote it with
    /// <see cref="IndexReferencesAsync"/>): it is not written again, and is kept if they leave (the scope still points
    /// to them, so their next create must find it).
    /// </summary>
    Task<bool> CommitAsync(string scopeId, ScopeHead? expected, ScopeEvaluation evaluation, IReadOnlyList<MemberChange> changes, DateTimeOffset now,
        CancellationToken cancellationToken, IReadOnlyCollection<RecordKey>? indexed = null);

    /// <summary>
    /// Adds reverse-index entries (see <see cref="ScopesHoldingAsync"/>) for rows about to enter the scope, and for rows
    /// the scope's members point to that do not exist (a booking naming a work order not created yet, or deleted: when
    /// one is created, its fan-out finds this scope, which then takes it in). Written before the commit.
    /// </summary>
    Task IndexReferencesAsync(string scopeId, IReadOnlyCollection<RecordKey> referenced, CancellationToken cancellationToken);

    /// <summary>Ops of one bucket with sequence above <paramref name="afterSeq"/>, in order.</summary>
    Task<FeedPage> ReadOpsAsync(string scopeId, string table, long afterSeq, int max, CancellationToken cancellationToken);

    /// <summary>Drops remove ops older than <paramref name="before"/>; raises the bucket floor so older checkpoints must resync.</summary>
    Task<int> CompactAsync(string scopeId, DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// The scopes whose buckets hold the record now, or whose rows point to it while it does not exist (a reverse
    /// index kept by <see cref="CommitAsync"/> and <see cref="IndexReferencesAsync"/>: written before a record enters
    /// a bucket and removed after it leaves, so it may list a scope too many, never one too few).
    /// </summary>
    Task<IReadOnlyList<string>> ScopesHoldingAsync(string table, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Registers a scope (or re-registers it under another profile, or as built): its registration, its entry in its
    /// profile's list and, while <see cref="ScopeRegistration.Building"/>, its entry in the list of scopes being built.
    /// </summary>
    Task RegisterScopeAsync(ScopeRegistration registration, CancellationToken cancellationToken);

    /// <summary>A named position the feed's timers keep (one entity): null when never set.</summary>
    Task<FeedCursor?> GetCursorAsync(string name, CancellationToken cancellationToken);

    /// <summary>Sets a cursor if it is still at <paramref name="expected"/> (null: not set yet); false when another run moved it first.</summary>
    Task<bool> TrySetCursorAsync(string name, DateTimeOffset at, FeedCursor? expected, CancellationToken cancellationToken);

    /// <summary>One scope's registration (a point read), or null when it was never registered.</summary>
    Task<ScopeRegistration?> GetScopeAsync(string scopeId, CancellationToken cancellationToken);

    /// <summary>The scopes registered for a first build that has not committed yet: few at any time, read with one query.</summary>
    Task<IReadOnlyList<ScopeRegistration>> ListBuildingScopesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One page (up to <paramref name="max"/>) of the scopes registered under <paramref name="profileId"/>, or of every
    /// registered scope when it is null; <paramref name="after"/> is the <see cref="ScopeListPage.Next"/> of the page before.
    /// For work over many scopes, one bounded page per queue message; never for a single write.
    /// </summary>
    Task<ScopeListPage> ListScopesAsync(string? profileId, string? after, int max, CancellationToken cancellationToken);
}

/// <summary>
/// A bucket's integrity checksum: XOR over its live records of XxHash64("id\u0000version"). XOR makes it
/// order-free and updatable in place (add and remove are the same operation). A device computes the same over
/// the rows it holds for the bucket and re-downloads the bucket when they differ.
/// </summary>
public static class BucketChecksum
{
    public static long Of(string id, long version)
        => unchecked((long)XxHash64.HashToUInt64(Encoding.UTF8.GetBytes($"{id}\u0000{version}")));

    public static string Format(long checksum) => unchecked((ulong)checksum).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>When reading a bucket's members with one range query beats point reads of the ones needed.</summary>
public static class BucketReads
{
    /// <summary>
    /// A range query returns up to 1,000 members a page; <paramref name="liveMembers"/> (the bucket's count,
    /// which leaves out removed members, so it is an estimate) gives the pages it takes.
    /// </summary>
    public static bool RangeIsCheaper(int pointReads, long liveMembers) => pointReads >= 2 && pointReads > 1 + (liveMembers / 1000);
}
