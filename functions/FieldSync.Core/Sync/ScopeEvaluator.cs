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
        await foreach (var resource in records.QueryLiveAsync(ResourceTable, ResourceUserColumn, userId, cancellationToken))
        {
            return resource.Id;
        }
        return null;
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
                await foreach (var record in records.QueryLiveAsync(rule.Table, null, null, cancellationToken))
                {
                    rows[record.Id] = record;
                }
                return rows;

            case DownloadMode.Filter:
                var filter = rule.Filter!;
                string? column = null;
                string? value = null;
                if (filter.ParameterEquality is { } equality)
                {
                    // Narrow the scan to the rows whose column holds this technician's value.
                    column = equality.Column;
                    value = equality.Parameter == FilterParameter.CurrentUser ? context.UserId : context.ResourceId;
                    if (value is null)
                    {
                        return rows;
                    }
                }
                await foreach (var record in records.QueryLiveAsync(rule.Table, column, value, cancellationToken))
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
                        // Rows of this table that point to carried rows of the other table.
                        var found = new ConcurrentBag<Record>();
                        await Parallel.ForEachAsync(other.Keys, new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
                            async (parentId, ct) =>
                            {
                                await foreach (var record in records.QueryLiveAsync(rule.Table, relationship.LookupColumn, parentId, ct))
                                {
                                    found.Add(record);
                                }
                            });
                        foreach (var record in found)
                        {
                            rows[record.Id] = record;
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
