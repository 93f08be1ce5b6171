using FieldSync.Core.Sync;
using FieldSync.Core.Telemetry;

namespace FieldSync.Storage;

/// <summary>
/// The change-feed queues. Messages are Base64 (the client is created so) as queue triggers expect, and carry the
/// sender's trace context (<see cref="MessageTrace"/>).
/// </summary>
public sealed class QueueFeedWork(Azure.Storage.Queues.QueueServiceClient queues) : IFeedWork, FieldSync.Core.Records.IRecordChangeNotifier, FieldSync.Core.Push.IPushWork
{
    private readonly Azure.Storage.Queues.QueueClient push = queues.GetQueueClient(QueueNames.Push);
    private readonly Azure.Storage.Queues.QueueClient recordChanges = queues.GetQueueClient(QueueNames.RecordChanges);
    private readonly Azure.Storage.Queues.QueueClient scopeEvaluations = queues.GetQueueClient(QueueNames.ScopeEvaluations);
    private readonly Azure.Storage.Queues.QueueClient sweeps = queues.GetQueueClient(QueueNames.FeedSweeps);
    private readonly CreateOnce created = new(() => Task.WhenAll(
        queues.GetQueueClient(QueueNames.RecordChanges).CreateIfNotExistsAsync(),
        queues.GetQueueClient(QueueNames.ScopeEvaluations).CreateIfNotExistsAsync(),
        queues.GetQueueClient(QueueNames.FeedSweeps).CreateIfNotExistsAsync(),
        queues.GetQueueClient(QueueNames.Push).CreateIfNotExistsAsync()));

    public async Task EnqueueDeviceAsync(string deviceId, CancellationToken cancellationToken)
    {
        await created.Value;
        await push.SendMessageAsync(MessageTrace.Stamp(new FieldSync.Core.Push.PushMessage(deviceId)), cancellationToken);
    }

    public async Task RecordsChangedAsync(IReadOnlyList<FieldSync.Core.Records.ChangedRecord> changes, CancellationToken cancellationToken)
    {
        await created.Value;
        foreach (var chunk in changes.Chunk(MessageLimits.RecordsPerMessage))
        {
            await recordChanges.SendMessageAsync(MessageTrace.Stamp(new RecordChangedMessage(chunk)), cancellationToken);
        }
    }

    public async Task EnqueueScopeAsync(string scopeId, CancellationToken cancellationToken)
    {
        await created.Value;
        await scopeEvaluations.SendMessageAsync(MessageTrace.Stamp(new ScopeEvaluationMessage(scopeId)), cancellationToken);
    }

    public async Task EnqueueScopeAsync(string scopeId, TimeSpan delay, CancellationToken cancellationToken)
    {
        await created.Value;
        await scopeEvaluations.SendMessageAsync(MessageTrace.Stamp(new ScopeEvaluationMessage(scopeId)), delay, null, cancellationToken);
    }

    public async Task EnqueueSweepAsync(FeedSweepMessage message, CancellationToken cancellationToken, TimeSpan? delay = null)
    {
        await created.Value;
        await sweeps.SendMessageAsync(MessageTrace.Stamp(message), delay, null, cancellationToken);
    }

    public async Task EnqueueRecordsAsync(string scopeId, IReadOnlyList<RecordKey> records, CancellationToken cancellationToken)
    {
        await created.Value;
        foreach (var chunk in records.Chunk(MessageLimits.RecordsPerMessage))
        {
            await scopeEvaluations.SendMessageAsync(MessageTrace.Stamp(new ScopeEvaluationMessage(scopeId, chunk)), cancellationToken);
        }
    }
}
