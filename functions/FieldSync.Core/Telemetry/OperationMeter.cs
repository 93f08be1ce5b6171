namespace FieldSync.Core.Telemetry;

/// <summary>
/// Counts what one operation (a pull, a push, a queue message) costs in storage transactions, as it runs: the storage
/// clients report each request to <see cref="CountStorageTransaction"/>, which adds it to the meter of the async flow
/// it runs in. Operations running at the same time each count their own.
/// </summary>
public sealed class OperationMeter
{
    private static readonly AsyncLocal<OperationMeter?> Current = new();
    private long storageTransactions;

    private OperationMeter()
    {
    }

    public long StorageTransactions => Interlocked.Read(ref storageTransactions);

    /// <summary>A new meter for the calling flow and everything it awaits or starts from here on.</summary>
    public static OperationMeter Start()
    {
        var meter = new OperationMeter();
        Current.Value = meter;
        return meter;
    }

    /// <summary>Called by the storage pipeline for every request sent (retries included, as they are billed).</summary>
    public static void CountStorageTransaction()
    {
        if (Current.Value is { } meter)
        {
            Interlocked.Increment(ref meter.storageTransactions);
        }
    }
}
