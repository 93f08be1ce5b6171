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
        var scopes = await ScopesAsync(profile => profile.Tables.ContainsKey(table) || table == ScopeEvaluator.ResourceTable, cancellationToken);
        foreach (var scope in scopes)
        {
            await work.EnqueueScopeAsync(scope, cancellationToken);
        }
        if (marker is not null)
        {
            await records.CompleteFanOutAsync(table, id, marker, cancellationToken);
        }
        logger.LogInformation("Record {Table} {Id} changed: {Count} scope evaluations queued", table, id, scopes.Count);
        return scopes.Count;
    }

    /// <summary>Queues an evaluation of every scope whose profile matches; for profile changes and the clock.</summary>
    public async Task<int> EvaluateScopesAsync(Func<OfflineProfile, bool> predicate, CancellationToken cancellationToken)
    {
        var scopes = await ScopesAsync(predicate, cancellationToken);
        foreach (var scope in scopes)
        {
            await work.EnqueueScopeAsync(scope, cancellationToken);
        }
        return scopes.Count;
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
