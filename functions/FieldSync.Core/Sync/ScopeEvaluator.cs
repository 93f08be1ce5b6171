using System.Collections.Concurrent;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;

namespace FieldSync.Core.Sync;

/// <summary>
/// Computes, from the records as they are now, exactly which rows a profile selects for one scope:
/// a technician's rows (user-scoped tables) or every technician's shared rows. This is the definition of
/// "what the device should hold"; the feed is brought to it by diffing (see <see cref="ScopeMaintainer"/>).
/// Relationships are followed in dependency order, so chains (booking → work order → account) work.
/// </summary>
public sealed class ScopeEvaluator(IRecordStore records)
{
    /// <summary>Where a technician's bookable resource is found: the resource whose userid is the user.</summary>
    public const string ResourceTable = "bookableresource";
    public const string ResourceUserColumn = "userid";

    private const int ParallelReads = 16;

    /// <summary>The technician's bookable resource id, or null when the user has none.</summary>
    public async Task<string?> FindResourceAsync(string userId, CancellationToken cancellationToken)
    {
        // The first by id when (wrongly) several resources name the user: the same one every time.
        return (await records.FindLiveAsync(ResourceTable, ResourceUserColumn, userId, cancellationToken)).Select(r => r.Id).Order(StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>
    /// The selected rows per table, for the tables of the requested kind (user-scoped when <paramref name="context"/>
    /// names a user, shared otherwise). Tables of the other kind that these depend on are evaluated too but not returned.
    /// Rows of the requested kind that selected rows point to but that do not exist (not created yet, or deleted) are
    /// added to <paramref name="missing"/>, when given.
    /// </summary>
    public async Task<Dictionary<string, Dictionary<string, Record>>> EvaluateAsync(
        OfflineProfile profile, FilterContext context, bool userScoped, CancellationToken cancellationToken, ICollection<RecordKey>? missing = null)
    {
        var selected = new Dictionary<string, Dictionary<string, Record>>(StringComparer.Ordinal);
        var needed = Needed(profile, userScoped);
        foreach (var rule in profile.TablesInDependencyOrder)
        {
            if (!needed.Contains(rule.Table))
            {
                continue; // another scope's table that nothing here depends on (all products, for a technician)
            }
            selected[rule.Table] = await SelectAsync(rule, context, selected, rule.IsUserScoped == userScoped ? missing : null, cancellationToken);
        }
        return selected
            .Where(kv => profile.Tables[kv.Key].IsUserScoped == userScoped)
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>The scope's own tables plus, transitively, the tables they depend on.</summary>
    private static HashSet<string> Needed(OfflineProfile profile, bool userScoped)
    {
        var needed = profile.Tables.Values.Where(r => r.IsUserScoped == userScoped).Select(r => r.Table).ToHashSet(StringComparer.Ordinal);
        var pending = new Stack<string>(needed);
        while (pending.TryPop(out var table))
        {
            foreach (var dependency in profile.Tables[table].DependsOn)
            {
                if (needed.Add(dependency))
                {
                    pending.Push(dependency);
                }
            }
        }
        return needed;
    }

    private async Task<Dictionary<string, Record>> SelectAsync(TableRule rule, FilterContext context,
        Dictionary<string, Dictionary<string, Record>> selected, ICollection<RecordKey>? missing, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, Record>(StringComparer.Ordinal);
        switch (rule.Download)
        {
            case DownloadMode.All:
                await foreach (var record in records.ScanLiveAsync(rule.Table, cancellationToken))
                {
                    rows[record.Id] = record;
                }
                return rows;

            case DownloadMode.Filter:
                var filter = rule.Filter!;
                IEnumerable<Record> candidates;
                if (filter.ParameterEquality is { } equality)
                {
                    // Only the rows whose column holds this technician's value can match: a key range of the lookup index.
                    var value = equality.Parameter == FilterParameter.CurrentUser ? context.UserId : context.ResourceId;
                    if (value is null)
                    {
                        return rows;
                    }
                    candidates = await records.FindLiveAsync(rule.Table, equality.Column, value, cancellationToken);
                }
                else
                {
                    // No per-technician key to narrow by (the profile parser warns of this): every row is a candidate.
                    var all = new List<Record>();
                    await foreach (var record in records.ScanLiveAsync(rule.Table, cancellationToken))
                    {
                        all.Add(record);
                    }
                    candidates = all;
                }
                foreach (var record in candidates)
                {
                    if (filter.Evaluate(record, context))
                    {
                        rows[record.Id] = record;
                    }
                }
                return rows;

            case DownloadMode.Related:
                foreach (var relationship in rule.RelatedTo)
                {
                    var other = selected[relationship.OtherTable];
                    if (relationship.Direction == RelationshipDirection.ReferencedBy)
                    {
                        // Rows of this table that carried rows of the other table point to.
                        var ids = other.Values
                            .Select(r => r.Values.TryGetValue(relationship.LookupColumn, out var v) ? v as string : null)
                            .Where(id => id is not null && !rows.ContainsKey(id))
                            .Distinct(StringComparer.Ordinal)
                            .ToList();
                        var live = await GetLiveAsync(rule.Table, ids!, cancellationToken);
                        foreach (var record in live)
                        {
                            rows[record.Id] = record;
                        }
                        if (missing is not null && live.Count < ids.Count)
                        {
                            var found = live.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
                            foreach (var id in ids.Where(id => !found.Contains(id!)))
                            {
                                missing.Add(new RecordKey(rule.Table, id!));
                            }
                        }
                    }
                    else
                    {
                        // Rows of this table that point to carried rows of the other table: the index's ids per parent
                        // (a key range each), then one point read per row, kept if it still points to a carried parent.
                        var ids = new ConcurrentBag<string>();
                        await Parallel.ForEachAsync(other.Keys, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
                            async (parentId, ct) =>
                            {
                                foreach (var id in await records.FindIdsAsync(rule.Table, relationship.LookupColumn, parentId, ct))
                                {
                                    ids.Add(id);
                                }
                            });
                        foreach (var record in await GetLiveAsync(rule.Table, [.. ids.Where(id => !rows.ContainsKey(id)).Distinct(StringComparer.Ordinal)], cancellationToken))
                        {
                            if (record.Values.GetValueOrDefault(relationship.LookupColumn) is string parent && other.ContainsKey(parent))
                            {
                                rows[record.Id] = record;
                            }
                        }
                    }
                }
                if (rule.Filter is { } extra)
                {
                    foreach (var id in rows.Where(kv => !extra.Evaluate(kv.Value, context)).Select(kv => kv.Key).ToList())
                    {
                        rows.Remove(id);
                    }
                }
                return rows;

            default:
                return rows;
        }
    }

    private async Task<IReadOnlyCollection<Record>> GetLiveAsync(string table, IReadOnlyList<string> ids, CancellationToken cancellationToken)
        => (await records.GetManyAsync([.. ids.Select(id => (table, id))], cancellationToken))
            .Where(stored => stored is { Record.Deleted: false }).Select(stored => stored!.Record).ToList();
}
