namespace FieldSync.Core.Telemetry;

/// <summary>A queue's backlog: its approximate length and the age of its oldest message (null when empty).</summary>
public sealed record QueueHealth(string Queue, long Length, TimeSpan? OldestMessageAge);

/// <summary>Reads the backlog of every FieldSync queue, poison queues included (the storage account's own metric is account-wide and hourly).</summary>
public interface IQueueHealthReader
{
    Task<IReadOnlyList<QueueHealth>> ReadAsync(CancellationToken cancellationToken);
}
