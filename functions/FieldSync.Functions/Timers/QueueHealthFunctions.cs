using FieldSync.Core.Telemetry;
using FieldSync.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Timers;

public sealed class QueueHealthFunctions(IQueueHealthReader queues, ISyncTelemetry telemetry)
{
    /// <summary>
    /// Every minute, each queue's length and the age of its oldest message as metrics (poison queues included): what the
    /// backlog alerts and the workbook read. Its steady beat is also how "no telemetry for 30 minutes" is noticed.
    /// </summary>
    [Function(nameof(ReportQueueHealth))]
    public Task ReportQueueHealth([TimerTrigger("15 * * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => FunctionRuns.TimerAsync(telemetry, nameof(ReportQueueHealth), async () =>
        {
            var health = await queues.ReadAsync(cancellationToken);
            foreach (var queue in health)
            {
                telemetry.Metric(TelemetryNames.Metrics.QueueLength, queue.Length, (TelemetryNames.Dimensions.QueueName, queue.Queue));
                telemetry.Metric(TelemetryNames.Metrics.QueueOldestMessageAge, queue.OldestMessageAge?.TotalSeconds ?? 0, (TelemetryNames.Dimensions.QueueName, queue.Queue));
            }
            return health.Count;
        });
}
