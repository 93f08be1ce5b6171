using System.Collections.Concurrent;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using Microsoft.Extensions.Logging;

namespace FieldSync.Core.Sync;

/// <summary>
/// Turns record writes into scope evaluations. A record change fans out to the scopes it can affect, found by key
/// (reverse index, lookup index, the technician a value names) with a bounded number of reads whatever the fleet's
/// size; each scope is then evaluated on its own queue message, so the work scales out per scope and one slow scope
/// holds up nothing.
/// </summary>
public sealed class FeedFanOut(
    IRecordStore records,
    IFeedStore feed,
    IProfileStore profiles,
    IFeedWork work,
    IRecordChangeNotifier notifier,
    SchemaCatalog schema,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptionsMonitor<SyncOptions> options,
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
        var queued = await FanOutAsync([.. latest.Select(c => new RecordKey(c.Table, c.Id))], cancellationToken);
        await records.CompleteFanOutAsync(done, cancellationToken);
        return queued;
    }

    /// <summary>
    /// Fans out rows whose filter result may have changed with time (found by a time window over the lookup index, see
    /// <see cref="FeedSweeper"/>): the same as a write of them, without markers (nothing was written).
    /// </summary>
    public Task<int> RowsChangedAsync(IReadOnlyList<RecordKey> rows, CancellationToken cancellationToken)
        => FanOutAsync(rows, cancellationToken);

    private async Task<int> FanOutAsync(IReadOnlyList<RecordKey> rows, CancellationToken cancellationToken)
    {
        var directory = await ScopeDirectory.ReadAsync(feed, profiles, cancellationToken);
        var affected = new IReadOnlyCollection<string>[rows.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, rows.Count), Parallelism(cancellationToken), async (i, ct) =>
            affected[i] = await ScopesAffectedByAsync(rows[i].Table, rows[i].Id, directory, ct));

        // One message per scope, its records in write order.
        var byScope = new Dictionary<string, List<RecordKey>>(StringComparer.Ordinal);
        for (var i = 0; i < rows.Count; i++)
        {
            foreach (var scope in affected[i])
            {
                if (!byScope.TryGetValue(scope, out var keys))
                {
                    byScope[scope] = keys = [];
                }
                keys.Add(rows[i]);
            }
        }
        foreach (var (scope, keys) in byScope.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            await work.EnqueueRecordsAsync(scope, keys, cancellationToken);
        }
        // Rows that may enter any scope of a profile (no key leads to the technicians they may enter): every scope of
        // the profile is evaluated, one bounded page of scopes per queue message.
        var broadcasts = directory.Broadcasts;
        foreach (var profileId in broadcasts.Order(StringComparer.Ordinal))
        {
            await work.EnqueueSweepAsync(FeedSweepMessage.EvaluateProfileScopes(profileId), cancellationToken);
        }
        logger.LogInformation("{Records} changed records fanned out to {Scopes} scopes and {Profiles} whole profiles", rows.Count, byScope.Count, broadcasts.Count);
        return byScope.Count;
    }

    private static ParallelOptions Parallelism(CancellationToken cancellationToken)
        => new() { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };

    /// <summary>
    /// What one fan-out message needs to know about the scopes, read with a bounded number of reads whatever the
    /// fleet's size: the profiles (few), the scopes being built (few), and registrations by point read as they are
    /// asked for. Never the list of every registered scope.
    /// </summary>
    private sealed class ScopeDirectory
    {
        private readonly IFeedStore feed;
        private readonly ConcurrentDictionary<string, Task<ScopeRegistration?>> registrations = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, bool> broadcasts = new(StringComparer.Ordinal);

        private ScopeDirectory(IFeedStore feed, IReadOnlyList<OfflineProfile> profiles, IReadOnlyList<ScopeRegistration> building)
        {
            this.feed = feed;
            Profiles = profiles;
            Building = building;
        }

        public IReadOnlyList<OfflineProfile> Profiles { get; }

        /// <summary>Scopes whose first build has not committed (see <see cref="ScopeRegistration.Building"/>).</summary>
        public IReadOnlyList<ScopeRegistration> Building { get; }

        /// <summary>Profiles every scope of which must be evaluated.</summary>
        public IReadOnlySet<string> Broadcasts => broadcasts.Keys.ToHashSet(StringComparer.Ordinal);

        public void Broadcast(string profileId) => broadcasts[profileId] = true;

        public static async Task<ScopeDirectory> ReadAsync(IFeedStore feed, IProfileStore profiles, CancellationToken cancellationToken)
            => new(feed, await profiles.ListAsync(cancellationToken), await feed.ListBuildingScopesAsync(cancellationToken));

        /// <summary>The registration of a scope, read once per message.</summary>
        public Task<ScopeRegistration?> RegistrationAsync(string scopeId, CancellationToken cancellationToken)
            => registrations.GetOrAdd(scopeId, id => feed.GetScopeAsync(id, cancellationToken));
    }

    /// <summary>
    /// The scopes whose selection a change to this record can alter: those that hold it now (reverse index), plus
    /// those it may enter, found by key: the technician a filter's parameter points to (the record's own value), the
    /// scopes holding the row a relationship points to, the scopes holding the rows that point to it (lookup index).
    /// Where no key leads to them (a filter without a parameter equality, a technician's row selected through shared
    /// rows), every scope of the profile is evaluated, in bounded messages: correct, just not cheap.
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
        // A user's scope, if it is registered (under this profile, when one is named).
        async Task AddUserScopeAsync(string? user, string? profileId)
        {
            if (user is not null && await directory.RegistrationAsync(ScopeIds.ForUser(user), cancellationToken) is { Retired: false } registration
                && (profileId is null || registration.ProfileId == profileId))
            {
                targets.Add(registration.ScopeId);
            }
        }
        if (table == ScopeEvaluator.ResourceTable)
        {
            // Who is whose technician may have changed: the technician it was (its scope holds the resource, see
            // ScopeMaintainer) and the one it names now.
            await AddUserScopeAsync((await RecordAsync())?.Values.GetValueOrDefault(ScopeEvaluator.ResourceUserColumn) as string, null);
        }
        foreach (var profile in directory.Profiles)
        {
            if (!profile.Tables.TryGetValue(table, out var rule))
            {
                continue;
            }
            if (!rule.IsUserScoped)
            {
                // Every registered copy of the profile's shared scope (each is evaluated from the records on its own).
                for (var copy = 0; copy < options.CurrentValue.SharedScopeReplicas; copy++)
                {
                    if (await directory.RegistrationAsync(ScopeIds.SharedCopy(profile.Id, copy), cancellationToken) is not null)
                    {
                        targets.Add(ScopeIds.SharedCopy(profile.Id, copy));
                    }
                }
                if (profile.Tables.Values.Any(r => r.IsUserScoped && r.DependsOn.Contains(table)))
                {
                    directory.Broadcast(profile.Id); // a shared row technicians' rows depend on: any of them may change
                }
                continue;
            }
            // A first build in progress has no index entries yet to find it by: it takes every write it may carry.
            targets.UnionWith(directory.Building.Where(b => b.UserId is not null && b.ProfileId == profile.Id).Select(b => b.ScopeId));
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
                        await AddUserScopeAsync(user, profile.Id);
                    }
                    break;
                case DownloadMode.Related:
                    foreach (var relationship in rule.RelatedTo)
                    {
                        if (!profile.Tables[relationship.OtherTable].IsUserScoped)
                        {
                            // Selected through a shared row, which every technician of the profile carries.
                            directory.Broadcast(profile.Id);
                        }
                        else if (relationship.Direction == RelationshipDirection.References)
                        {
                            // A child row follows its parent: it can only enter scopes that hold the parent.
                            if ((await RecordAsync())?.Values.GetValueOrDefault(relationship.LookupColumn) is string parent)
                            {
                                targets.UnionWith(await feed.ScopesHoldingAsync(relationship.OtherTable, parent, cancellationToken));
                            }
                        }
                        else if (rule.Filter is not null)
                        {
                            // A referenced row enters when referrers exist, through their changes; but with an extra filter
                            // its own change can let it in: the scopes holding its referrers (lookup index) are the candidates.
                            foreach (var referrer in await records.FindIdsAsync(relationship.OtherTable, relationship.LookupColumn, id, cancellationToken))
                            {
                                targets.UnionWith(await feed.ScopesHoldingAsync(relationship.OtherTable, referrer, cancellationToken));
                            }
                        }
                    }
                    break;
                default:
                    directory.Broadcast(profile.Id);
                    break;
            }
        }
        return targets;
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
