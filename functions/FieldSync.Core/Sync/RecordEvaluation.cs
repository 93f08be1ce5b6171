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
    private readonly Dictionary<(string Table, string Id), Member> overlay = [];
    private readonly Dictionary<(string Table, string Id), (Record? Record, bool Loaded)> recordCache = [];
    private readonly Queue<(string Table, string Id)> work = new();
    private int visits;

    public async Task<List<MemberChange>> RunAsync(string table, string id, CancellationToken cancellationToken)
    {
        work.Enqueue((table, id));
        while (work.TryDequeue(out var next))
        {
            if (++visits > MaxVisits)
            {
                throw new InvalidOperationException($"Evaluating {table} {id} in {head.ScopeId} did not settle.");
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

    private async Task VisitAsync(string table, string id, CancellationToken cancellationToken)
    {
        if (!profile.Tables.TryGetValue(table, out var rule) || rule.IsUserScoped != userScoped)
        {
            return;
        }
        var record = await RecordAsync(table, id, cancellationToken);
        var shouldBeIn = record is not null && await SelectsAsync(rule, record, cancellationToken);
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
                        await foreach (var child in records.QueryLiveAsync(dependent.Table, relationship.LookupColumn, id, cancellationToken))
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

    private async Task<bool> SelectsAsync(TableRule rule, Record record, CancellationToken cancellationToken)
    {
        switch (rule.Download)
        {
            case DownloadMode.All:
                return true;
            case DownloadMode.Filter:
                return rule.Filter!.Evaluate(record, context);
            case DownloadMode.Related:
                if (rule.Filter is { } extra && !extra.Evaluate(record, context))
                {
                    return false;
                }
                foreach (var relationship in rule.RelatedTo)
                {
                    var otherShared = !profile.Tables[relationship.OtherTable].IsUserScoped && userScoped;
                    var scopeOfOther = otherShared ? ScopeIds.Shared(profile.Id) : head.ScopeId;
                    if (relationship.Direction == RelationshipDirection.References)
                    {
                        if (record.Values.GetValueOrDefault(relationship.LookupColumn) is string parent
                            && (otherShared
                                ? (await feed.GetMemberAsync(scopeOfOther, relationship.OtherTable, parent, cancellationToken)) is { In: true }
                                : (await MemberAsync(relationship.OtherTable, parent, cancellationToken)) is { In: true }))
                        {
                            return true;
                        }
                    }
                    else if ((await ReferrersAsync(scopeOfOther, relationship.OtherTable, relationship.LookupColumn, record.Id, cancellationToken)).Count > 0)
                    {
                        return true;
                    }
                }
                return false;
            default:
                return false;
        }
    }

    /// <summary>Ids of members of <paramref name="table"/> in a scope whose lookup points to <paramref name="id"/>, pending changes included.</summary>
    private async Task<List<string>> ReferrersAsync(string scopeId, string table, string column, string id, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in await feed.FindMembersAsync(scopeId, table, column, id, cancellationToken))
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
            member = await feed.GetMemberAsync(head.ScopeId, table, id, cancellationToken);
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
