using FieldSync.Core.Push;
using FieldSync.Core.Telemetry;
using FieldSync.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Timers;

public sealed class PushTimerFunctions(IInbox inbox, IPushWork work, TimeProvider clock, ISyncTelemetry telemetry, ILogger<PushTimerFunctions> logger)
{
    /// <summary>Batches waiting this long without being applied had their queue message lost.</summary>
    public static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(5);

    /// <summary>Re-queues devices whose accepted batches have waited too long (a lost queue message).</summary>
    [Function(nameof(RequeueStalledPushes))]
    public Task RequeueStalledPushes([TimerTrigger("45 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => FunctionRuns.TimerAsync(telemetry, nameof(RequeueStalledPushes), async () =>
        {
            var devices = await inbox.StalledDevicesAsync(clock.GetUtcNow() - StalledAfter, cancellationToken);
            foreach (var device in devices)
            {
                await work.EnqueueDeviceAsync(device, cancellationToken);
            }
            if (devices.Count > 0)
            {
                logger.LogWarning("Re-queued {Count} devices with stalled pushes", devices.Count);
            }
            FunctionRuns.Recovered(telemetry, TelemetryNames.RecoveryKinds.StalledPush, devices.Count);
            return devices.Count;
        });
}
