using FieldSync.Core.Sync;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Timers;

public sealed class FeedTimerFunctions(FeedFanOut fanOut, IFeedStore feed, TimeProvider clock, ILogger<FeedTimerFunctions> logger)
{
    /// <summary>How long remove ops are kept; a device whose checkpoint is older must resync the bucket.</summary>
    public static readonly TimeSpan RemoveRetention = TimeSpan.FromDays(30);

    /// <summary>
    /// Time-relative filters change their answer as time passes: every 15 minutes (so soon after midnight UTC)
    /// scopes are re-evaluated where that can matter: yesterday's bookings leave the devices.
    /// </summary>
    [Function(nameof(ReevaluateTimeRelativeFilters))]
    public async Task ReevaluateTimeRelativeFilters([TimerTrigger("0 1,16,31,46 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var count = await fanOut.ReevaluateTimeRelativeAsync(cancellationToken);
        logger.LogInformation("Time-relative filters: {Count} scope evaluations queued", count);
    }

    /// <summary>Re-sends record changes whose fan-out never completed (lost message, crash after the write).</summary>
    [Function(nameof(SweepPendingFanOut))]
    public Task SweepPendingFanOut([TimerTrigger("30 */2 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => fanOut.SweepAsync(cancellationToken);

    /// <summary>Drops remove ops past the retention horizon, once a day.</summary>
    [Function(nameof(CompactFeed))]
    public async Task CompactFeed([TimerTrigger("0 20 3 * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - RemoveRetention;
        var dropped = 0;
        foreach (var scope in await feed.ListScopesAsync(cancellationToken))
        {
            dropped += await feed.CompactAsync(scope.ScopeId, before, cancellationToken);
        }
        logger.LogInformation("Feed compaction dropped {Count} remove ops older than {Before}", dropped, before);
    }
}
