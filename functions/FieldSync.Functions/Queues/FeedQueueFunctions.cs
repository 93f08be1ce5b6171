using System.Diagnostics;
using System.Text.Json;
using FieldSync.Core.Sync;
using FieldSync.Core.Telemetry;
using FieldSync.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Queues;

public sealed class FeedQueueFunctions(FeedFanOut fanOut, ScopeMaintainer maintainer, FeedSweeper sweeper, ISyncTelemetry telemetry)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records were written: queue one evaluation per scope that may carry them, then clear their fan-out markers.</summary>
    [Function(nameof(FanOutRecordChange))]
    public Task FanOutRecordChange([QueueTrigger(QueueNames.RecordChanges)] string message, CancellationToken cancellationToken)
        => FunctionRuns.HandleMessageAsync(nameof(FanOutRecordChange), message, async () =>
        {
            var change = JsonSerializer.Deserialize<RecordChangedMessage>(message, Json)
                ?? throw new InvalidOperationException("Empty record-change message.");
            var started = Stopwatch.GetTimestamp();
            var scopes = await fanOut.RecordsChangedAsync(change.Records, cancellationToken);
            var first = change.Records.Count > 0 ? change.Records[0] : null;
            telemetry.Track(new TelemetryEvent(TelemetryNames.Events.FanOut)
                .Dimension(TelemetryNames.Dimensions.EntityName, first?.Table)
                .Dimension(TelemetryNames.Dimensions.RecordId, change.Records.Count == 1 ? first?.Id : null)
                .Measure(TelemetryNames.Measurements.Records, change.Records.Count)
                .Measure(TelemetryNames.Measurements.ScopeCount, scopes)
                .Measure(TelemetryNames.Measurements.DurationMs, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            telemetry.Metric(TelemetryNames.Metrics.FanOutScopes, scopes);
            return scopes;
        });

    /// <summary>Brings one scope (or the written records in it) to what its profile selects now; idempotent, safe to repeat or reorder.</summary>
    [Function(nameof(EvaluateScope))]
    public Task EvaluateScope([QueueTrigger(QueueNames.ScopeEvaluations)] string message, CancellationToken cancellationToken)
        => FunctionRuns.HandleMessageAsync(nameof(EvaluateScope), message, () =>
        {
            var work = JsonSerializer.Deserialize<ScopeEvaluationMessage>(message, Json)
                ?? throw new InvalidOperationException("Empty scope-evaluation message.");
            return maintainer.HandleAsync(work, cancellationToken);
        });

    /// <summary>
    /// A scope evaluation that failed maxDequeueCount times (say, a burst of writes kept beating it to the scope's
    /// head): the whole scope is evaluated instead, which settles every record the message carried, so its
    /// fan-out is not lost; if that fails too, the scope is queued again for later.
    /// </summary>
    [Function(nameof(EvaluatePoisonedScope))]
    public Task EvaluatePoisonedScope([QueueTrigger(QueueNames.ScopeEvaluationsPoison)] string message, CancellationToken cancellationToken)
        => FunctionRuns.HandlePoisonAsync(telemetry, nameof(EvaluatePoisonedScope), QueueNames.ScopeEvaluationsPoison, message, () =>
        {
            var work = JsonSerializer.Deserialize<ScopeEvaluationMessage>(message, Json)
                ?? throw new InvalidOperationException("Empty scope-evaluation message.");
            return maintainer.SettlePoisonedAsync(work.ScopeId, cancellationToken);
        });

    /// <summary>One page of work over many scopes or rows (a profile change, compaction, a time window); queues the next page.</summary>
    [Function(nameof(SweepFeed))]
    public Task SweepFeed([QueueTrigger(QueueNames.FeedSweeps)] string message, CancellationToken cancellationToken)
        => FunctionRuns.HandleMessageAsync(nameof(SweepFeed), message, () =>
        {
            var sweep = JsonSerializer.Deserialize<FeedSweepMessage>(message, Json)
                ?? throw new InvalidOperationException("Empty feed-sweep message.");
            return sweeper.HandleAsync(sweep, cancellationToken);
        });

    /// <summary>A sweep page that failed maxDequeueCount times: queued again for later, so its scopes are not left behind.</summary>
    [Function(nameof(SweepFeedPoisoned))]
    public Task SweepFeedPoisoned([QueueTrigger(QueueNames.FeedSweepsPoison)] string message, CancellationToken cancellationToken)
        => FunctionRuns.HandlePoisonAsync(telemetry, nameof(SweepFeedPoisoned), QueueNames.FeedSweepsPoison, message, async () =>
        {
            var sweep = JsonSerializer.Deserialize<FeedSweepMessage>(message, Json)
                ?? throw new InvalidOperationException("Empty feed-sweep message.");
            await sweeper.SettlePoisonedAsync(sweep, cancellationToken);
            FunctionRuns.Recovered(telemetry, TelemetryNames.RecoveryKinds.SweepPage, 1);
            return 1;
        });
}
