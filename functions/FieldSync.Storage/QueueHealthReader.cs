using Azure;
using Azure.Storage.Queues;
using FieldSync.Core.Sync;
using FieldSync.Core.Telemetry;

namespace FieldSync.Storage;

/// <summary>
/// Reads each queue's approximate length (one properties request) and, when it has messages, the insertion time of the
/// one at its front (one peek; peeking does not dequeue or hide it). Two transactions per queue at most.
/// </summary>
public sealed class QueueHealthReader(QueueServiceClient queues, TimeProvider clock) : IQueueHealthReader
{
    public async Task<IReadOnlyList<QueueHealth>> ReadAsync(CancellationToken cancellationToken)
    {
        var read = await Task.WhenAll(QueueNames.All.Select(name => ReadOneAsync(queues.GetQueueClient(name), cancellationToken)));
        return read;
    }

    private async Task<QueueHealth> ReadOneAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await queue.GetPropertiesAsync(cancellationToken);
            var length = properties.Value.ApproximateMessagesCount;
            if (length == 0)
            {
                return new QueueHealth(queue.Name, 0, null);
            }
            var front = await queue.PeekMessageAsync(cancellationToken);
            var age = front.Value?.InsertedOn is { } inserted ? clock.GetUtcNow() - inserted : (TimeSpan?)null;
            return new QueueHealth(queue.Name, length, age < TimeSpan.Zero ? TimeSpan.Zero : age);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Not created yet (a poison queue is created by the host on its first poison message): empty.
            return new QueueHealth(queue.Name, 0, null);
        }
    }
}
