using System.Text.Json;
using FieldSync.Core.Sync;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Queues;

public sealed class FeedQueueFunctions(FeedFanOut fanOut, ScopeMaintainer maintainer)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>A record was written: queue an evaluation of every scope that may carry it, then clear its fan-out marker.</summary>
    [Function(nameof(FanOutRecordChange))]
    public async Task FanOutRecordChange([QueueTrigger(QueueNames.RecordChanges)] string message, CancellationToken cancellationToken)
    {
        var change = JsonSerializer.Deserialize<RecordChangedMessage>(message, Json)
            ?? throw new InvalidOperationException("Empty record-change message.");
        await fanOut.RecordChangedAsync(change.Table, change.Id, cancellationToken);
    }

    /// <summary>Brings one scope (or one written record in it) to what its profile selects now; idempotent, safe to repeat or reorder.</summary>
    [Function(nameof(EvaluateScope))]
    public async Task EvaluateScope([QueueTrigger(QueueNames.ScopeEvaluations)] string message, CancellationToken cancellationToken)
    {
        var work = JsonSerializer.Deserialize<ScopeEvaluationMessage>(message, Json)
            ?? throw new InvalidOperationException("Empty scope-evaluation message.");
        if (work.Table is not null && work.Id is not null)
        {
            await maintainer.EvaluateRecordAsync(work.ScopeId, work.Table, work.Id, cancellationToken);
        }
        else
        {
            await maintainer.EvaluateAsync(work.ScopeId, cancellationToken);
        }
    }
}
