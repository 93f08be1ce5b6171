using FieldSync.Core.Cleanup;
using FieldSync.Core.Telemetry;
using FieldSync.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Timers;

public sealed class CleanupTimerFunctions(DeviceCleanup devices, BatchPurge batches, ISyncTelemetry telemetry)
{
    /// <summary>
    /// Hourly: removes one page of devices not seen for <c>FieldSync:Devices:StaleAfterDays</c> (a device with uploads
    /// not applied yet is kept) and continues retiring the scopes of users left without a device, in bounded chunks.
    /// </summary>
    [Function(nameof(RemoveStaleDevices))]
    public Task RemoveStaleDevices([TimerTrigger("0 10 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => RunAsync(nameof(RemoveStaleDevices), () => devices.RemoveStaleAsync(cancellationToken));

    /// <summary>Hourly: purges processed inbox batches accepted before <c>FieldSync:Push:InboxRetentionDays</c>, from the by-day index.</summary>
    [Function(nameof(PurgeProcessedBatches))]
    public Task PurgeProcessedBatches([TimerTrigger("0 50 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => RunAsync(nameof(PurgeProcessedBatches), () => batches.PurgeAsync(cancellationToken));

    /// <summary>A cleanup run: its FieldSync.Cleanup event, inside the TimerRun every timer reports.</summary>
    private Task<int> RunAsync(string timerName, Func<Task<CleanupReport>> work)
        => FunctionRuns.TimerAsync(telemetry, timerName, async () =>
        {
            var report = await work();
            telemetry.Track(report.ToEvent());
            return report.Items;
        });
}
