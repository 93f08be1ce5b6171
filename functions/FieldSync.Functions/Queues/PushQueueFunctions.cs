using System.Text.Json;
using FieldSync.Core.Push;
using FieldSync.Core.Sync;
using FieldSync.Core.Telemetry;
using FieldSync.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Queues;

public sealed class PushQueueFunctions(PushApplier applier, ISyncTelemetry telemetry)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Applies a device's waiting batches in its sequence order (duplicates and re-runs are harmless).</summary>
    [Function(nameof(ApplyPushedBatches))]
    public Task ApplyPushedBatches([QueueTrigger(QueueNames.Push)] string message, CancellationToken cancellationToken)
        => FunctionRuns.HandleMessageAsync(nameof(ApplyPushedBatches), message, () =>
        {
            var work = JsonSerializer.Deserialize<PushMessage>(message, Json) ?? throw new InvalidOperationException("Empty push message.");
            return applier.ApplyDeviceAsync(work.DeviceId, cancellationToken);
        });

    /// <summary>
    /// A push message that failed maxDequeueCount times: the batch it was stuck on is reported as sync errors and
    /// set aside (it stays in the inbox), and the device's later batches continue.
    /// </summary>
    [Function(nameof(SetAsidePoisonedBatch))]
    public Task SetAsidePoisonedBatch([QueueTrigger(QueueNames.PushPoison)] string message, CancellationToken cancellationToken)
        => FunctionRuns.HandlePoisonAsync(telemetry, nameof(SetAsidePoisonedBatch), QueueNames.PushPoison, message, async () =>
        {
            var work = JsonSerializer.Deserialize<PushMessage>(message, Json) ?? throw new InvalidOperationException("Empty push message.");
            if (await applier.SetAsideAsync(work.DeviceId, "it failed on every attempt", cancellationToken))
            {
                return await applier.ApplyDeviceAsync(work.DeviceId, cancellationToken);
            }
            return 0;
        });
}
