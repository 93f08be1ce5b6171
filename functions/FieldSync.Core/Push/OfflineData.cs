using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Sync;

namespace FieldSync.Core.Push;

/// <summary>
/// Whether records are in a technician's offline data (their own rows or the profile's shared rows), judged on the
/// records as the server holds them while a batch is applied — as the batch's earlier changes leave them — and never
/// on how far the change feed has got: a booking given to another technician is no longer theirs the moment it is
/// written, whether or not the fan-out has removed it from their bucket yet. A filtered row is judged by its filter;
/// a related row by the rows it follows, each judged the same way on its current record. Where a row is carried
/// because rows of another table point to it (a work order of my bookings), the scope's members of that table are
/// only the candidates (the feed is where such pointers are indexed), and each candidate counts only if its current
/// record still points to the row and is itself in the data; the records the batch has read or written count as
/// candidates too. One instance per batch: records, buckets and candidates are read once and kept.
/// </summary>
public sealed class OfflineData
{
    /// <summary>Judgements (and so the reads they need) at once: a batch is at most 100 changes, read together.</summary>
    private const int ParallelJudgements = 100;

    private readonly OfflineProfile profile;
    private readonly ScopeHead? userHead;
    private readonly FilterContext context;
    private readonly string userScope;
    private readonly string sharedScope;
    private readonly IFeedStore feed;
    private readonly IRecordStore store;
    private readonly Lock gate = new();
    private readonly Dictionary<(string Table, string Id), Task<StoredRecord?>> records = [];
    private readonly Dictionary<(string Scope, string Table), Task<IReadOnlyList<Member>>> buckets = [];
    private readonly Dictionary<(string Scope, string Table, string Column, string Id), Task<IReadOnlyList<Member>>> referrers = [];

    public OfflineData(PushRules.UserView view, IFeedStore feed, IRecordStore store, DateTimeOffset now)
    {
        profile = view.Profile;
        userHead = view.UserHead;
        context = new FilterContext(view.UserId, view.UserHead?.ResourceId, now);
        userScope = ScopeIds.ForUser(view.UserId);
        sharedScope = ScopeIds.Shared(view.Profile.Id);
        this.feed = feed;
        this.store = store;
    }

    /// <summary>The record as it is now: read from storage, or as the batch's changes so far leave it.</summary>
    public void Known(string table, string id, Record? record)
    {
        lock (gate)
        {
            records[(table, id)] = Task.FromResult(record is null ? null : new StoredRecord(record, ""));
        }
    }

    /// <summary>
    /// The record as storage holds it, with its ETag, read once (null: never written). Only for records not yet
    /// changed by the batch: those are known without an ETag.
    /// </summary>
    public Task<StoredRecord?> StoredAsync(string table, string id, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!records.TryGetValue((table, id), out var read))
            {
                read = store.GetAsync(table, id, cancellationToken);
                records[(table, id)] = read;
            }
            return read;
        }
    }

    /// <summary>The record as it is now (null: never existed), read once.</summary>
    public async Task<Record?> RecordAsync(string table, string id, CancellationToken cancellationToken)
        => (await StoredAsync(table, id, cancellationToken))?.Record;

    /// <summary>Whether <paramref name="record"/> of <paramref name="table"/> is in the technician's offline data now.</summary>
    public Task<bool> HoldsAsync(string table, Record? record, CancellationToken cancellationToken)
        => SelectsAsync(table, record, 0, cancellationToken);

    /// <summary>Whether the technician may read the record <paramref name="id"/> of <paramref name="table"/> now.</summary>
    public async Task<bool> MayReadAsync(string table, string id, CancellationToken cancellationToken)
        => await HoldsAsync(table, await RecordAsync(table, id, cancellationToken), cancellationToken);

    /// <summary>
    /// Reads ahead what judging <paramref name="targets"/> will need: whole buckets with one range query where
    /// several targets need their members (the bookings of a batch of work orders) and that is cheaper than a query
    /// each, then the targets themselves, judged several at a time so that their candidates are read in parallel.
    /// </summary>
    public async Task PrefetchAsync(IReadOnlyCollection<(string Table, string Id)> targets, CancellationToken cancellationToken)
    {
        var needs = new Dictionary<(string Scope, string Table), int>();
        foreach (var table in targets.Select(t => t.Table))
        {
            foreach (var bucket in ReferrerBuckets(table, new HashSet<string>(StringComparer.Ordinal)))
            {
                needs[bucket] = needs.GetValueOrDefault(bucket) + 1;
            }
        }
        var loads = new List<Task>();
        foreach (var ((scope, table), count) in needs)
        {
            // Only the technician's own scope has its head at hand, with the bucket's size.
            if (scope == userScope && userHead is not null && BucketReads.RangeIsCheaper(count, userHead.Bucket(table).Count))
            {
                var load = feed.GetBucketMembersAsync(scope, table, cancellationToken);
                lock (gate)
                {
                    buckets[(scope, table)] = load;
                }
                loads.Add(load);
            }
        }
        await Task.WhenAll(loads);
        await Parallel.ForEachAsync(targets.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = ParallelJudgements, CancellationToken = cancellationToken },
            async (target, ct) => await MayReadAsync(target.Table, target.Id, ct));
    }

    /// <summary>The buckets whose members judging a row of <paramref name="table"/> looks up, through its rule's relationships.</summary>
    private IEnumerable<(string Scope, string Table)> ReferrerBuckets(string table, HashSet<string> seen)
    {
        if (!seen.Add(table) || !profile.Tables.TryGetValue(table, out var rule) || rule.Download != DownloadMode.Related)
        {
            yield break;
        }
        foreach (var relationship in rule.RelatedTo)
        {
            if (relationship.Direction == RelationshipDirection.ReferencedBy)
            {
                yield return (ScopeOf(relationship.OtherTable), relationship.OtherTable);
            }
            foreach (var further in ReferrerBuckets(relationship.OtherTable, seen))
            {
                yield return further;
            }
        }
    }

    private async Task<bool> SelectsAsync(string table, Record? record, int depth, CancellationToken cancellationToken)
    {
        if (record is null || record.Deleted || !profile.Tables.TryGetValue(table, out var rule))
        {
            return false;
        }
        if (depth > profile.Tables.Count)
        {
            throw new InvalidOperationException($"The relationships of profile {profile.Id} form a cycle at {table}."); // parsing forbids cycles
        }
        return await RuleSelection.SelectsAsync(rule, record, context, async relationship =>
        {
            if (relationship.Direction == RelationshipDirection.References)
            {
                return record.Values.GetValueOrDefault(relationship.LookupColumn) is string parent
                    && await SelectsAsync(relationship.OtherTable, await RecordAsync(relationship.OtherTable, parent, cancellationToken), depth + 1, cancellationToken);
            }
            foreach (var candidate in await CandidatesAsync(relationship, record.Id, cancellationToken))
            {
                var referrer = await RecordAsync(relationship.OtherTable, candidate, cancellationToken);
                if (referrer is { Deleted: false } && referrer.Values.GetValueOrDefault(relationship.LookupColumn) as string == record.Id
                    && await SelectsAsync(relationship.OtherTable, referrer, depth + 1, cancellationToken))
                {
                    return true;
                }
            }
            return false;
        });
    }

    /// <summary>
    /// Rows of the relationship's other table that may point to <paramref name="id"/>: the scope's members whose
    /// lookup did when the feed last evaluated them, and the records this batch read or wrote that do now.
    /// </summary>
    private async Task<HashSet<string>> CandidatesAsync(Relationship relationship, string id, CancellationToken cancellationToken)
    {
        var scope = ScopeOf(relationship.OtherTable);
        Task<IReadOnlyList<Member>>? bucket;
        Task<IReadOnlyList<Member>>? found;
        lock (gate)
        {
            buckets.TryGetValue((scope, relationship.OtherTable), out bucket);
            found = null;
            if (bucket is null && !referrers.TryGetValue((scope, relationship.OtherTable, relationship.LookupColumn, id), out found))
            {
                found = feed.FindMembersAsync(scope, relationship.OtherTable, relationship.LookupColumn, id, cancellationToken);
                referrers[(scope, relationship.OtherTable, relationship.LookupColumn, id)] = found;
            }
        }
        var members = bucket is not null
            ? (await bucket).Where(m => m.In && m.Links.GetValueOrDefault(relationship.LookupColumn) == id)
            : await found!;
        var candidates = members.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        lock (gate)
        {
            foreach (var ((table, recordId), read) in records)
            {
                if (table == relationship.OtherTable && read.IsCompletedSuccessfully
                    && read.Result?.Record is { Deleted: false } known && known.Values.GetValueOrDefault(relationship.LookupColumn) as string == id)
                {
                    candidates.Add(recordId);
                }
            }
        }
        return candidates;
    }

    private string ScopeOf(string table) => profile.Tables[table].IsUserScoped ? userScope : sharedScope;
}
