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

    /// <summary>
    /// Fans written records out: one scope-evaluation message per affected scope carrying all of its records, so
    /// a device's batch of 50 updates to its own bookings becomes one evaluation and one commit. Then deletes the
    /// records' fan-out markers. Returns the number of scope messages queued.
    /// </summary>
    public async Task<int> RecordsChangedAsync(IReadOnlyList<ChangedRecord> changes, CancellationToken cancellationToken)
    {
        // The latest write of each record (a batch may write one twice; its later marker replaced the earlier).
        var latest = changes.GroupBy(c => (c.Table, c.Id)).Select(g => g.Last()).ToList();
        // Markers not known from the write are read first: if the record is written again while we work, that
        // write leaves a new marker (and its own message), and the delete below leaves it alone.
        var done = new ChangedRecord[latest.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, latest.Count), Parallelism(cancellationToken), async (i, ct) =>
        {
            var change = latest[i];
            done[i] = change.Marker is not null ? change : change with { Marker = await records.GetFanOutMarkerAsync(change.Table, change.Id, ct) };
        });

        var directory = await ScopeDirectoryAsync(cancellationToken);
        var affected = new IReadOnlyCollection<string>[latest.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, latest.Count), Parallelism(cancellationToken), async (i, ct) =>
            affected[i] = await ScopesAffectedByAsync(latest[i].Table, latest[i].Id, directory, ct));

        // One message per scope, its records in write order.
        var byScope = new Dictionary<string, List<RecordKey>>(StringComparer.Ordinal);
        for (var i = 0; i < latest.Count; i++)
        {
            foreach (var scope in affected[i])
            {
                if (!byScope.TryGetValue(scope, out var keys))
                {
                    byScope[scope] = keys = [];
                }
                keys.Add(new RecordKey(latest[i].Table, latest[i].Id));
            }
        }
        foreach (var (scope, keys) in byScope.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            await work.EnqueueRecordsAsync(scope, keys, cancellationToken);
        }
        await records.CompleteFanOutAsync(done, cancellationToken);
        logger.LogInformation("{Records} changed records fanned out to {Scopes} scopes", latest.Count, byScope.Count);
        return byScope.Count;
    }

    private static ParallelOptions Parallelism(CancellationToken cancellationToken)
        => new() { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };

    /// <summary>The registered scopes of one profile: its technicians' scopes and its shared scope.</summary>
    /// <param name="BuildingUserScopes">Technicians' scopes whose first build has not committed (see <see cref="ScopeRegistration.Building"/>).</param>
    private sealed record ProfileScopes(OfflineProfile Profile, HashSet<string> UserScopes, string? SharedScope, HashSet<string> BuildingUserScopes);

    /// <summary>
    /// Every registered scope, grouped by the profile it is evaluated with; read once per fan-out message.
    /// Registrations name the profile each scope is evaluated with, and assigning a profile re-registers the
    /// user's scope, so this list is authoritative.
    /// </summary>
    private sealed record ScopeDirectory(HashSet<string> Registered, IReadOnlyList<ProfileScopes> Profiles);

    private async Task<ScopeDirectory> ScopeDirectoryAsync(CancellationToken cancellationToken)
    {
        var registrations = await feed.ListScopesAsync(cancellationToken);
        var byProfile = new List<ProfileScopes>();
        foreach (var group in registrations.GroupBy(r => r.ProfileId, StringComparer.Ordinal))
        {
            if (await profiles.GetAsync(group.Key, cancellationToken) is { } profile)
            {
                byProfile.Add(new ProfileScopes(profile,
                    group.Where(r => r.UserId is not null).Select(r => r.ScopeId).ToHashSet(StringComparer.Ordinal),
                    group.FirstOrDefault(r => r.UserId is null)?.ScopeId,
                    group.Where(r => r.UserId is not null && r.Building).Select(r => r.ScopeId).ToHashSet(StringComparer.Ordinal)));
            }
        }
        return new ScopeDirectory(registrations.Select(r => r.ScopeId).ToHashSet(StringComparer.Ordinal), byProfile);
    }

    /// <summary>
    /// The scopes whose selection a change to this record can alter: those that hold it now (reverse index),
    /// plus those it may enter — found through the technician a filter's parameter points to, or through the
    /// scopes holding the row a relationship points to. Where no such shortcut exists (a filter without a
    /// parameter equality, a shared table that user rows depend on, the technician mapping itself) every scope
    /// of the profile is evaluated: correct, just not cheap.
    /// </summary>
    private async Task<IReadOnlyCollection<string>> ScopesAffectedByAsync(string table, string id, ScopeDirectory directory, CancellationToken cancellationToken)
    {
        var targets = (await feed.ScopesHoldingAsync(table, id, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        // The record itself is read only for rules that find the scopes it may enter from its values.
        (Record? Live, bool Read) record = (null, false);
        async Task<Record?> RecordAsync()
        {
            if (!record.Read)
            {
                var stored = await records.GetAsync(table, id, cancellationToken);
                record = (stored is { Record.Deleted: false } ? stored.Record : null, true);
            }
            return record.Live;
        }
        foreach (var (profile, userScopes, sharedScope, building) in directory.Profiles)
        {
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
            // A first build in progress has no index entries yet to find it by: it takes every write it may carry.
            targets.UnionWith(building);
            switch (rule.Download)
            {
                case DownloadMode.Filter when rule.Filter!.ParameterEquality is { } equality:
                    if ((await RecordAsync())?.Values.GetValueOrDefault(equality.Column) is string value)
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
                            if ((await RecordAsync())?.Values.GetValueOrDefault(relationship.LookupColumn) is string parent)
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
        targets.IntersectWith(directory.Registered);
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
            var pending = await records.ListPendingFanOutAsync(table, olderThan, cancellationToken);
            if (pending.Count > 0)
            {
                await notifier.RecordsChangedAsync(pending, cancellationToken);
                count += pending.Count;
            }
        }
        if (count > 0)
        {
            logger.LogWarning("Fan-out sweeper re-sent {Count} record changes", count);
        }
        return count;
    }
}
