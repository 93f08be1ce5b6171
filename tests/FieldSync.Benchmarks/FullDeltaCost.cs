namespace FieldSync.Benchmarks;

/// <summary>
/// The full delta sync figures: a device that finished a first sync is damaged (rows missing, extra, stale) and repairs
/// itself by verify + fetch; its cost is set against the first sync of the same data. Transactions are the table
/// transactions of the host (queue polling left out), bytes the gzip bodies on the wire.
/// </summary>
internal sealed record FullDeltaCost(
    long Rows,
    int Missing,
    int Extra,
    int Stale,
    long FirstSyncTransactions,
    long FirstSyncWireBytes,
    int FirstSyncRequests,
    long RepairTransactions,
    long RepairWireBytes,
    int RepairVerifies,
    int RepairFetches,
    long MatchedTransactions,
    int MatchedVerifies)
{
    /// <summary>The target: a repair costs less than a first sync, in transactions and in bytes.</summary>
    public const double RatioTarget = 1.0;

    public double TransactionRatio => (double)RepairTransactions / FirstSyncTransactions;

    public double WireBytesRatio => (double)RepairWireBytes / FirstSyncWireBytes;

    public bool Passes => TransactionRatio < RatioTarget && WireBytesRatio < RatioTarget;
}
