using FieldSync.Core.Sync;
using FieldSync.Core.Telemetry;
using FieldSync.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Timers;

public sealed class FeedTimerFunctions(FeedFanOut fanOut, FeedSweeper sweeper, TimeProvider clock, ISyncTelemetry telemetry, ILogger<FeedTimerFunctions> logger)
{
    /// <summary>How long remove ops are kept; a device whose checkpoint is older must resync the bucket.</summary>
    public static readonly TimeSpan RemoveRetention = TimeSpan.FromDays(30);

    /// <summary>
    /// Time-relative filters change their answer as time passes: every 15 minutes (so soon after midnight UTC) the
    /// rows whose dates the clock crossed are fanned out: yesterday's bookings leave the devices.
    /// </summary>
    [Function(nameof(ReevaluateTimeRelativeFilters))]
    public Task ReevaluateTimeRelativeFilters([TimerTrigger("0 1,16,31,46 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => FunctionRuns.TimerAsync(telemetry, nameof(ReevaluateTimeRelativeFilters), async () =>
        {
            var count = await sweeper.ReevaluateTimeRelativeAsync(cancellationToken);
            telemetry.Track(new TelemetryEvent(TelemetryNames.Events.TimeRelativeReevaluation)
                .Measure(TelemetryNames.Measurements.Windows, count)
                .Measure(TelemetryNames.Measurements.ItemCount, count));
            logger.LogInformation("Time-relative filters: {Count} sweeps queued", count);
            return count;
        });

    /// <summary>Re-sends record changes whose fan-out never completed (lost message, crash after the write).</summary>
    [Function(nameof(SweepPendingFanOut))]
    public Task SweepPendingFanOut([TimerTrigger("30 */2 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => FunctionRuns.TimerAsync(telemetry, nameof(SweepPendingFanOut), async () =>
        {
            var resent = await fanOut.SweepAsync(cancellationToken);
            FunctionRuns.Recovered(telemetry, TelemetryNames.RecoveryKinds.PendingFanOut, resent);
            return resent;
        });

    /// <summary>Drops remove ops past the retention horizon, once a day: one page of scopes per queue message.</summary>
    [Function(nameof(CompactFeed))]
    public Task CompactFeed([TimerTrigger("0 20 3 * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => FunctionRuns.TimerAsync(telemetry, nameof(CompactFeed), async () =>
        {
            var before = clock.GetUtcNow() - RemoveRetention;
            await sweeper.CompactAsync(before, cancellationToken);
            logger.LogInformation("Feed compaction of remove ops older than {Before} queued", before);
            return 1;
        });
}
