using System.Text.Json;
using FieldSync.Core.Sync;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Queues;

public sealed class FeedQueueFunctions(FeedFanOut fanOut, ScopeMaintainer maintainer, FeedSweeper sweeper)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records were written: queue one evaluation per scope that may carry them, then clear their fan-out markers.</summary>
    [Function(nameof(FanOutRecordChange))]
    public async Task FanOutRecordChange([QueueTrigger(QueueNames.RecordChanges)] string message, CancellationToken cancellationToken)
    {
        var change = JsonSerializer.Deserialize<RecordChangedMessage>(message, Json)
            ?? throw new InvalidOperationException("Empty record-change message.");
        await fanOut.RecordsChangedAsync(change.Records, cancellationToken);
    }

    /// <summary>Brings one scope (or the written records in it) to what its profile selects now; idempotent, safe to repeat or reorder.</summary>
    [Function(nameof(EvaluateScope))]
    public async Task EvaluateScope([QueueTrigger(QueueNames.ScopeEvaluations)] string message, CancellationToken cancellationToken)
    {
        var work = JsonSerializer.Deserialize<ScopeEvaluationMessage>(message, Json)
            ?? throw new InvalidOperationException("Empty scope-evaluation message.");
        await maintainer.HandleAsync(work, cancellationToken);
    }

    /// <summary>
    /// A scope evaluation that failed maxDequeueCount times (say, a burst of writes kept beating it to the scope's
    /// head): the whole scope is evaluated instead, which settles every record the message carried, so its
    /// fan-out is not lost; if that fails too, the scope is queued again for later.
    /// </summary>
    [Function(nameof(EvaluatePoisonedScope))]
    public async Task EvaluatePoisonedScope([QueueTrigger(QueueNames.ScopeEvaluationsPoison)] string message, CancellationToken cancellationToken)
    {
        var work = JsonSerializer.Deserialize<ScopeEvaluationMessage>(message, Json)
            ?? throw new InvalidOperationException("Empty scope-evaluation message.");
        await maintainer.SettlePoisonedAsync(work.ScopeId, cancellationToken);
    }

    /// <summary>One page of work over many scopes or rows (a profile change, compaction, a time window); queues the next page.</summary>
    [Function(nameof(SweepFeed))]
    public async Task SweepFeed([QueueTrigger(QueueNames.FeedSweeps)] string message, CancellationToken cancellationToken)
    {
        var sweep = JsonSerializer.Deserialize<FeedSweepMessage>(message, Json)
            ?? throw new InvalidOperationException("Empty feed-sweep message.");
        await sweeper.HandleAsync(sweep, cancellationToken);
    }

    /// <summary>A sweep page that failed maxDequeueCount times: queued again for later, so its scopes are not left behind.</summary>
    [Function(nameof(SweepFeedPoisoned))]
    public async Task SweepFeedPoisoned([QueueTrigger(QueueNames.FeedSweepsPoison)] string message, CancellationToken cancellationToken)
    {
        var sweep = JsonSerializer.Deserialize<FeedSweepMessage>(message, Json)
            ?? throw new InvalidOperationException("Empty feed-sweep message.");
        await sweeper.SettlePoisonedAsync(sweep, cancellationToken);
    }
}
