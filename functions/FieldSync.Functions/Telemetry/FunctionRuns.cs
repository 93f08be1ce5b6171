using System.Diagnostics;
using FieldSync.Core.Telemetry;

namespace FieldSync.Functions.Telemetry;

/// <summary>The telemetry around queue and timer functions: their operation (trace) and the events only they can tell.</summary>
public static class FunctionRuns
{
    /// <summary>
    /// Handles a queue message under an Activity whose parent is the trace the message carries, so what it reports
    /// shares the operation_Id of the request (or message) that sent it.
    /// </summary>
    public static async Task<T> HandleMessageAsync<T>(string functionName, string message, Func<Task<T>> work)
    {
        using var activity = MessageTrace.StartHandling(functionName, message);
        return await work();
    }

    /// <summary>A poison message handled: one PoisonMessage event and metric, then the handling itself.</summary>
    public static Task<T> HandlePoisonAsync<T>(ISyncTelemetry telemetry, string functionName, string queue, string message, Func<Task<T>> work)
        => HandleMessageAsync(functionName, message, async () =>
        {
            telemetry.Track(new TelemetryEvent(TelemetryNames.Events.PoisonMessage).Dimension(TelemetryNames.Dimensions.QueueName, queue));
            telemetry.Metric(TelemetryNames.Metrics.PoisonMessages, 1, (TelemetryNames.Dimensions.QueueName, queue));
            return await work();
        });

    /// <summary>
    /// Runs a timer's work (which returns how many items it handled) in its own operation and reports one TimerRun
    /// event, a failure included (the exception still fails the run, so the host logs and retries as usual).
    /// </summary>
    public static async Task<int> TimerAsync(ISyncTelemetry telemetry, string timerName, Func<Task<int>> work)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(work);
        using var activity = new Activity(timerName).SetIdFormat(ActivityIdFormat.W3C).Start();
        var started = Stopwatch.GetTimestamp();
        var item = new TelemetryEvent(TelemetryNames.Events.TimerRun).Dimension(TelemetryNames.Dimensions.TimerName, timerName);
        try
        {
            var count = await work();
            telemetry.Track(item.Dimension(TelemetryNames.Dimensions.ScenarioResult, TelemetryNames.ScenarioResults.Success)
                .Measure(TelemetryNames.Measurements.ItemCount, count)
                .Measure(TelemetryNames.Measurements.DurationMs, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            return count;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            telemetry.Track(item.Dimension(TelemetryNames.Dimensions.ScenarioResult, TelemetryNames.ScenarioResults.Failure)
                .Measure(TelemetryNames.Measurements.DurationMs, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            throw;
        }
    }

    /// <summary>Stalled work a sweeper or requeue timer sent again (nothing when it found none).</summary>
    public static void Recovered(ISyncTelemetry telemetry, string kind, int count)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        if (count <= 0)
        {
            return;
        }
        telemetry.Track(new TelemetryEvent(TelemetryNames.Events.Recovery)
            .Dimension(TelemetryNames.Dimensions.RecoveryKind, kind)
            .Measure(TelemetryNames.Measurements.ItemCount, count));
        telemetry.Metric(TelemetryNames.Metrics.Recoveries, count, (TelemetryNames.Dimensions.RecoveryKind, kind));
    }
}
