using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;

namespace FieldSync.Core.Sync;

/// <summary>
/// Evaluates one changed record in one scope, and whatever depends on it along the profile's relationships,
/// against the scope's current members: the cheap path for a record write (a handful of reads instead of a
/// whole-scope evaluation). Decisions are made on the members as they are plus this evaluation's own pending
/// changes, so a booking entering and its work order following are decided together and committed in one
/// commit, conditional on the head read before any of it.
/// </summary>
internal sealed class RecordEvaluation(
    IFeedStore feed,
    IRecordStore records,
    SchemaCatalog schema,
    OfflineProfile profile,
    ScopeHead head,
    FilterContext context,
    bool userScoped)
{
    /// <summary>Bounds the cascade; a profile's relationships are acyclic, so this is only a guard.</summary>
    private const int MaxVisits = 10_000;

    private readonly Dictionary<(string Table, string Id), Member?> persisted = [];
    /// <summary>Tables whose whole bucket is in <see cref="persisted"/>: a row missing there is not a member.</summary>
    private readonly HashSet<string> loadedBuckets = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Table, string Id), Member> overlay = [];
    private readonly Dictionary<(string Table, string Id), (Record? Record, bool Loaded)> recordCache = [];
    private readonly Queue<(string Table, string Id)> work = new();
    private int visits;

    /// <summary>
    /// Rows of this scope's tables that its members point to but that do not exist (a booking naming a work order
    /// not created yet, or deleted): the reverse index must list this scope for them, so their create finds it.
    /// </summary>
    public HashSet<RecordKey> Referenced { get; } = [];

    public async Task<List<MemberChange>> RunAsync(IReadOnlyList<RecordKey> written, CancellationToken cancellationToken)
    {
        await PreloadMembersAsync(written, cancellationToken);
        // Every written record of this scope's tables is visited: read them all up front, several at a time.
        var keys = written.Where(r => profile.Tables.TryGetValue(r.Table, out var rule) && rule.IsUserScoped == userScoped)
            .Select(r => (r.Table, r.Id)).Distinct().ToList();
        var read = await records.GetManyAsync(keys, cancellationToken);
        for (var k = 0; k < keys.Count; k++)
        {
            recordCache[keys[k]] = (read[k] is { Record.Deleted: false } stored ? stored.Record : null, true);
        }
        foreach (var record in written)
        {
            work.Enqueue((record.Table, record.Id));
        }
        while (work.TryDequeue(out var next))
        {
            if (++visits > MaxVisits)
            {
                throw new InvalidOperationException($"Evaluating {written.Count} written records in {head.ScopeId} did not settle.");
            }
            await VisitAsync(next.Table, next.Id, cancellationToken);
        }
        var changes = new List<MemberChange>();
        foreach (var (key, now) in overlay)
        {
            var before = persisted[key];
            if (before is { In: true } && now.In && before.Version == now.Version)
            {
                continue;
            }
            if (before is not { In: true } && !now.In)
            {
                continue;
            }
            var record = now.In ? (await RecordAsync(key.Table, key.Id, cancellationToken))! : null;
            changes.Add(now.In
                ? new MemberChange(key.Table, key.Id, FeedOpKind.Put, record!.Version, RecordDocuments.ToJson(record), now.Links, before)
                : new MemberChange(key.Table, key.Id, FeedOpKind.Remove, before!.Version, null, before.Links, before));
        }
        return changes;
    }

    /// <summary>
    /// Reads whole buckets with one range query where that beats point reads: the bucket of a table several
    /// written records belong to (a batch of a technician's work orders), and the bucket of the rows that refer to
    /// them (their bookings, which decide whether a work order stays).
    /// </summary>
    private async Task PreloadMembersAsync(IReadOnlyList<RecordKey> written, CancellationToken cancellationToken)
    {
        foreach (var group in written.GroupBy(r => r.Table, StringComparer.Ordinal))
        {
            var count = group.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count();
            if (!profile.Tables.TryGetValue(group.Key, out var rule) || rule.IsUserScoped != userScoped)
            {
                continue;
            }
            await LoadBucketAsync(group.Key, count, cancellationToken);
            foreach (var referrers in rule.RelatedTo.Where(r => r.Direction == RelationshipDirection.ReferencedBy && profile.Tables[r.OtherTable].IsUserScoped == userScoped))
            {
                await LoadBucketAsync(referrers.OtherTable, count, cancellationToken);
            }
        }
    }

    private async Task LoadBucketAsync(string table, int pointReads, CancellationToken cancellationToken)
    {
        var live = head.Buckets.TryGetValue(table, out var bucket) ? bucket.Count : 0;
        if (loadedBuckets.Contains(table) || !BucketReads.RangeIsCheaper(pointReads, live))
        {
            return;
        }
        foreach (var member in await feed.GetBucketMembersAsync(head.ScopeId, table, cancellationToken))
        {
            persisted[(table, member.Id)] = member;
        }
        loadedBuckets.Add(table);
    }

    private async Task VisitAsync(string table, string id, CancellationToken cancellationToken)
    {
        if (!profile.Tables.TryGetValue(table, out var rule) || rule.IsUserScoped != userScoped)
        {
            return;
        }
        var record = await RecordAsync(table, id, cancellationToken);
        var shouldBeIn = record is not null && await SelectsAsync(rule, record, cancellationToken);
        if (record is null && await HasReferrersAsync(rule, id, cancellationToken))
        {
            Referenced.Add(new RecordKey(table, id));
        }
        var current = await MemberAsync(table, id, cancellationToken);
        var wasIn = current is { In: true };
        if (shouldBeIn && wasIn && current!.Version == record!.Version)
        {
            return;
        }
        if (!shouldBeIn && !wasIn)
        {
            return;
        }
        var newLinks = shouldBeIn ? RecordDocuments.Links(schema, record!) : new Dictionary<string, string>(StringComparer.Ordinal);
        overlay[(table, id)] = shouldBeIn
            ? new Member(table, id, record!.Version, true, 0, newLinks)
            : new Member(table, id, current!.Version, false, 0, current.Links);

        // Cascade to the tables whose rows depend on this one.
        foreach (var dependent in profile.Tables.Values.Where(r => r.IsUserScoped == userScoped))
        {
            foreach (var relationship in dependent.RelatedTo.Where(r => r.OtherTable == table))
            {
                if (relationship.Direction == RelationshipDirection.ReferencedBy)
                {
                    // Rows this record points to (work order of a booking): the old and the new target.
                    var oldTarget = wasIn ? current!.Links.GetValueOrDefault(relationship.LookupColumn) : null;
                    var newTarget = shouldBeIn ? newLinks.GetValueOrDefault(relationship.LookupColumn) : null;
                    if (wasIn && shouldBeIn && oldTarget == newTarget)
                    {
                        continue; // still carried and still pointing to the same row: that row's selection cannot change
                    }
                    if (oldTarget is not null)
                    {
                        work.Enqueue((dependent.Table, oldTarget));
                    }
                    if (newTarget is not null && newTarget != oldTarget)
                    {
                        work.Enqueue((dependent.Table, newTarget));
                    }
                }
                else if (wasIn != shouldBeIn)
                {
                    // Rows that point to this record (products of a work order) follow it in or out.
                    if (shouldBeIn)
                    {
                        foreach (var child in await records.FindLiveAsync(dependent.Table, relationship.LookupColumn, id, cancellationToken))
                        {
                            recordCache[(child.Table, child.Id)] = (child, true);
                            work.Enqueue((dependent.Table, child.Id));
                        }
                    }
                    else
                    {
                        foreach (var child in await ReferrersAsync(head.ScopeId, dependent.Table, relationship.LookupColumn, id, cancellationToken))
                        {
                            work.Enqueue((dependent.Table, child));
                        }
                    }
                }
            }
        }
    }

    /// <summary>Whether rows of this scope point to the row through a relationship that would bring it in.</summary>
    private async Task<bool> HasReferrersAsync(TableRule rule, string id, CancellationToken cancellationToken)
    {
        if (rule.Download != DownloadMode.Related)
        {
            return false;
        }
        foreach (var relationship in rule.RelatedTo.Where(r => r.Direction == RelationshipDirection.ReferencedBy && profile.Tables[r.OtherTable].IsUserScoped == userScoped))
        {
            if ((await ReferrersAsync(head.ScopeId, relationship.OtherTable, relationship.LookupColumn, id, cancellationToken)).Count > 0)
            {
                return true;
            }
        }
        return false;
    }

    private Task<bool> SelectsAsync(TableRule rule, Record record, CancellationToken cancellationToken)
        => RuleSelectsAsync(rule, record, relationship => RelationSelectsAsync(relationship, record, cancellationToken));

    private Task<bool> RuleSelectsAsync(TableRule rule, Record record, Func<Relationship, Task<bool>> related)
        => RuleSelection.SelectsAsync(rule, record, context, related);

    /// <summary>Whether the row on the other end of a relationship keeps <paramref name="record"/> in this scope.</summary>
    private async Task<bool> RelationSelectsAsync(Relationship relationship, Record record, CancellationToken cancellationToken)
    {
        if (!profile.Tables[relationship.OtherTable].IsUserScoped && userScoped)
        {
            return await SharedRelationSelectsAsync(relationship, record, 0, cancellationToken);
        }
        if (relationship.Direction == RelationshipDirection.References)
        {
            return record.Values.GetValueOrDefault(relationship.LookupColumn) is string parent
                && (await MemberAsync(relationship.OtherTable, parent, cancellationToken)) is { In: true };
        }
        return (await ReferrersAsync(head.ScopeId, relationship.OtherTable, relationship.LookupColumn, record.Id, cancellationToken)).Count > 0;
    }

    /// <summary>
    /// For a technician's row that depends on shared rows (work order products of catalogue products): whether the
    /// shared row on the other end is selected, decided from the records as the whole-scope evaluation decides it.
    /// Not from the shared scope's bucket: that one is evaluated on its own messages, so it may lag behind or not be
    /// built yet, and the technician's row would then be decided on a different state than its scope was built on.
    /// </summary>
    private async Task<bool> SharedRelationSelectsAsync(Relationship relationship, Record record, int depth, CancellationToken cancellationToken)
    {
        if (relationship.Direction == RelationshipDirection.References)
        {
            return record.Values.GetValueOrDefault(relationship.LookupColumn) is string parent
                && await SharedSelectsAsync(relationship.OtherTable, await RecordAsync(relationship.OtherTable, parent, cancellationToken), depth, cancellationToken);
        }
        foreach (var referrer in await records.FindLiveAsync(relationship.OtherTable, relationship.LookupColumn, record.Id, cancellationToken))
        {
            if (await SharedSelectsAsync(relationship.OtherTable, referrer, depth, cancellationToken))
            {
                return true;
            }
        }
        return false;
    }

    private Task<bool> SharedSelectsAsync(string table, Record? record, int depth, CancellationToken cancellationToken)
    {
        if (record is null || !profile.Tables.TryGetValue(table, out var rule))
        {
            return Task.FromResult(false);
        }
        if (depth > profile.Tables.Count)
        {
            throw new InvalidOperationException($"The shared relationships of profile {profile.Id} form a cycle at {table}."); // parsing forbids cycles
        }
        return RuleSelectsAsync(rule, record, relationship => SharedRelationSelectsAsync(relationship, record, depth + 1, cancellationToken));
    }

    /// <summary>Ids of members of <paramref name="table"/> in a scope whose lookup points to <paramref name="id"/>, pending changes included.</summary>
    private async Task<List<string>> ReferrersAsync(string scopeId, string table, string column, string id, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var stored = scopeId == head.ScopeId && loadedBuckets.Contains(table)
            ? persisted.Where(kv => kv.Key.Table == table && kv.Value is { In: true } m && m.Links.GetValueOrDefault(column) == id).Select(kv => kv.Value!)
            : await feed.FindMembersAsync(scopeId, table, column, id, cancellationToken);
        foreach (var member in stored)
        {
            if (scopeId != head.ScopeId || !overlay.TryGetValue((table, member.Id), out var pending))
            {
                found.Add(member.Id);
            }
            else if (pending.In && pending.Links.GetValueOrDefault(column) == id)
            {
                found.Add(member.Id);
            }
        }
        if (scopeId == head.ScopeId)
        {
            foreach (var ((t, memberId), pending) in overlay)
            {
                if (t == table && pending.In && pending.Links.GetValueOrDefault(column) == id)
                {
                    found.Add(memberId);
                }
            }
        }
        return [.. found];
    }

    private async Task<Member?> MemberAsync(string table, string id, CancellationToken cancellationToken)
    {
        if (overlay.TryGetValue((table, id), out var pending))
        {
            return pending;
        }
        if (!persisted.TryGetValue((table, id), out var member))
        {
            member = loadedBuckets.Contains(table) ? null : await feed.GetMemberAsync(head.ScopeId, table, id, cancellationToken);
            persisted[(table, id)] = member;
        }
        return member;
    }

    private async Task<Record?> RecordAsync(string table, string id, CancellationToken cancellationToken)
    {
        if (!recordCache.TryGetValue((table, id), out var cached) || !cached.Loaded)
        {
            var stored = await records.GetAsync(table, id, cancellationToken);
            cached = (stored is { Record.Deleted: false } ? stored.Record : null, true);
            recordCache[(table, id)] = cached;
        }
        return cached.Record;
    }
}
