using FieldSync.Core.Push;
using FieldSync.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FieldSync.Core.Cleanup;

/// <summary>
/// Purges processed inbox batches accepted before the retention period (<see cref="InboxRetentionOptions"/>), a bounded
/// number per run, from the inbox's by-day index: a run reads only what is due, whatever the size of the fleet.
/// </summary>
public sealed class BatchPurge(IInbox inbox, IOptionsMonitor<InboxRetentionOptions> options, TimeProvider clock, ILogger<BatchPurge> logger)
{
    public async Task<CleanupReport> PurgeAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var before = clock.GetUtcNow() - TimeSpan.FromDays(settings.InboxRetentionDays);
        var result = await inbox.PurgeProcessedAsync(before, settings.PurgePerRun, cancellationToken);
        CleanupLog.BatchesRun(logger, before, result.Purged, result.MoreRemains);
        return new CleanupReport(TelemetryNames.CleanupKinds.ProcessedBatches, result.MoreRemains) { BatchesPurged = result.Purged };
    }
}
