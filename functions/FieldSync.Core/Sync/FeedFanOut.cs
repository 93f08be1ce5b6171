using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using Microsoft.Extensions.Logging;

namespace FieldSync.Core.Sync;

/// <summary>
/// Turns record writes into scope evaluations. A record change fans out to every registered scope whose profile
/// carries the table (or, for bookable resources, whose technician mapping may have changed); each scope is then
/// evaluated on its own queue message, so the work scales out per scope and one slow scope holds up nothing.
/// </summary>
public sealed class FeedFanOut(
    IRecordStore records,
    IFeedStore feed,
    IProfileStore profiles,
    IFeedWork work,
    IRecordChangeNotifier notifier,
    SchemaCatalog schema,
    TimeProvider clock,
    ILogger<FeedFanOut> logger)
{
    /// <summary>A fan-out marker older than this is considered lost and re-sent by the sweeper.</summary>
    public static readonly TimeSpan LostAfter = TimeSpan.FromMinutes(2);

    public async Task<int> RecordChangedAsync(string table, string id, CancellationToken cancellationToken)
    {
        // Read the marker first: if the record is written again while we work, that write leaves a new marker
        // (and its own message), and the delete below leaves it alone.
        var marker = await records.GetFanOutMarkerAsync(table, id, cancellationToken);
        var scopes = await ScopesAffectedByAsync(table, id, cancellationToken);
        foreach (var scope in scopes)
        {
            await work.EnqueueRecordAsync(scope, table, id, cancellationToken);
        }
        if (marker is not null)
        {
            await records.CompleteFanOutAsync(table, id, marker, cancellationToken);
        }
        logger.LogInformation("Record {Table} {Id} changed: {Count} scope evaluations queued", table, id, scopes.Count);
        return scopes.Count;
    }

    /// <summary>
    /// The scopes whose selection a change to this record can alter: those that hold it now (reverse index),
    /// plus those it may enter — found through the technician a filter's parameter points to, or through the
    /// scopes holding the row a relationship points to. Where no such shortcut exists (a filter without a
    /// parameter equality, a shared table that user rows depend on, the technician mapping itself) every scope
    /// of the profile is evaluated: correct, just not cheap.
    /// </summary>
    public async Task<IReadOnlyCollection<string>> ScopesAffectedByAsync(string table, string id, CancellationToken cancellationToken)
    {
        var registrations = await feed.ListScopesAsync(cancellationToken);
        var registered = registrations.Select(r => r.ScopeId).ToHashSet(StringComparer.Ordinal);
        var targets = (await feed.ScopesHoldingAsync(table, id, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var stored = await records.GetAsync(table, id, cancellationToken);
        var record = stored is { Record.Deleted: false } ? stored.Record : null;
        foreach (var group in registrations.GroupBy(r => r.ProfileId, StringComparer.Ordinal))
        {
            var profile = await profiles.GetAsync(group.Key, cancellationToken);
            if (profile is null)
            {
                continue;
            }
            var userScopes = group.Where(r => r.UserId is not null).Select(r => r.ScopeId).ToList();
            var sharedScope = group.FirstOrDefault(r => r.UserId is null)?.ScopeId;
            if (table == ScopeEvaluator.ResourceTable)
            {
                targets.UnionWith(userScopes); // who is whose technician may have changed
            }
            if (!profile.Tables.TryGetValue(table, out var rule))
            {
                continue;
            }
            if (!rule.IsUserScoped)
            {
                if (sharedScope is not null)
                {
                    targets.Add(sharedScope);
                }
                if (profile.Tables.Values.Any(r => r.IsUserScoped && r.DependsOn.Contains(table)))
                {
                    targets.UnionWith(userScopes);
                }
                continue;
            }
            switch (rule.Download)
            {
                case DownloadMode.Filter when rule.Filter!.ParameterEquality is { } equality:
                    if (record?.Values.GetValueOrDefault(equality.Column) is string value)
                    {
                        var user = equality.Parameter == FilterParameter.CurrentUser
                            ? value
                            : (await records.GetAsync(ScopeEvaluator.ResourceTable, value, cancellationToken)) is { Record.Deleted: false } resource
                                ? resource.Record.Values.GetValueOrDefault(ScopeEvaluator.ResourceUserColumn) as string
                                : null;
                        if (user is not null && userScopes.Contains(ScopeIds.ForUser(user)))
                        {
                            targets.Add(ScopeIds.ForUser(user));
                        }
                    }
                    break;
                case DownloadMode.Related:
                    foreach (var relationship in rule.RelatedTo)
                    {
                        if (relationship.Direction == RelationshipDirection.References && !profile.Tables[relationship.OtherTable].IsUserScoped)
                        {
                            // The parent is a shared row, carried by every technician of the profile.
                            targets.UnionWith(userScopes);
                        }
                        else if (relationship.Direction == RelationshipDirection.References)
                        {
                            // A child row follows its parent: it can only enter scopes that hold the parent.
                            if (record?.Values.GetValueOrDefault(relationship.LookupColumn) is string parent)
                            {
                                targets.UnionWith((await feed.ScopesHoldingAsync(relationship.OtherTable, parent, cancellationToken)).Where(userScopes.Contains));
                            }
                        }
                        else if (rule.Filter is not null)
                        {
                            // A referenced row enters when referrers exist, through their changes; but with an extra
                            // filter its own change can let it in, and there is no index of who refers to it.
                            targets.UnionWith(userScopes);
                        }
                    }
                    break;
                default:
                    targets.UnionWith(userScopes);
                    break;
            }
        }
        targets.IntersectWith(registered);
        return targets;
    }

    /// <summary>
    /// For the timer: queues the scopes whose time-relative filters may answer differently now. Filters with
    /// <c>now()</c> change continuously, so their scopes are always queued; filters with only <c>@today</c> change
    /// at midnight UTC, so their scopes are queued only when last evaluated on an earlier date (one head read
    /// each, instead of a whole-scope evaluation of every technician every 15 minutes).
    /// </summary>
    public async Task<int> ReevaluateTimeRelativeAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var queued = 0;
        var byId = new Dictionary<string, OfflineProfile?>(StringComparer.Ordinal);
        foreach (var registration in await feed.ListScopesAsync(cancellationToken))
        {
            if (!byId.TryGetValue(registration.ProfileId, out var profile))
            {
                profile = await profiles.GetAsync(registration.ProfileId, cancellationToken);
                byId[registration.ProfileId] = profile;
            }
            var filters = profile?.Tables.Values.Select(r => r.Filter).OfType<RowFilter>().Where(f => f.IsTimeRelative).ToList() ?? [];
            if (filters.Count == 0)
            {
                continue;
            }
            var usesNow = filters.Any(f => !f.Parameters.Contains(FilterParameter.Today) || f.Text.Contains("now()", StringComparison.OrdinalIgnoreCase));
            if (!usesNow)
            {
                var head = await feed.GetHeadAsync(registration.ScopeId, cancellationToken);
                if (head?.EvaluatedOn is { } evaluated && DateOnly.FromDateTime(evaluated.UtcDateTime) >= today)
                {
                    continue;
                }
            }
            await work.EnqueueScopeAsync(registration.ScopeId, cancellationToken);
            queued++;
        }
        return queued;
    }

    /// <summary>Re-sends the fan-out of writes whose marker is older than <see cref="LostAfter"/> (a lost message or a crash).</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var olderThan = clock.GetUtcNow() - LostAfter;
        var count = 0;
        foreach (var table in schema.Tables.Keys)
        {
            foreach (var id in await records.ListPendingFanOutAsync(table, olderThan, cancellationToken))
            {
                await notifier.RecordChangedAsync(table, id, cancellationToken);
                count++;
            }
        }
        if (count > 0)
        {
            logger.LogWarning("Fan-out sweeper re-sent {Count} record changes", count);
        }
        return count;
    }

    private async Task<List<string>> ScopesAsync(Func<OfflineProfile, bool> predicate, CancellationToken cancellationToken)
    {
        // Registrations name the profile each scope is evaluated with; assigning a profile re-registers the
        // user's scope, so this list is authoritative.
        var byId = new Dictionary<string, OfflineProfile?>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var registration in await feed.ListScopesAsync(cancellationToken))
        {
            if (!byId.TryGetValue(registration.ProfileId, out var profile))
            {
                profile = await profiles.GetAsync(registration.ProfileId, cancellationToken);
                byId[registration.ProfileId] = profile;
            }
            if (profile is not null && predicate(profile))
            {
                result.Add(registration.ScopeId);
            }
        }
        return result;
    }
}
