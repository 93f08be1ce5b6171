namespace FieldSync.Benchmarks;

/// <summary>
/// The full delta sync figures: a device that finished a first sync is damaged (rows missing, extra, stale) and repairs
/// itself by verify (+ fetch); each repair's cost is set against the first sync of the same data. Transactions are the
/// table transactions of the host (queue polling left out), bytes the bodies on the wire both ways (answers gzip).
/// <see cref="Spread"/> and <see cref="Few"/> use held-rows filters, as a device should; <see cref="Unfiltered"/> repairs the
/// spread damage without them (every missing or stale row fetched), for comparison.
/// </summary>
internal sealed record FullDeltaCost(
    long Rows,
    long FirstSyncTransactions,
    long FirstSyncWireBytes,
    int FirstSyncRequests,
    RepairRun Spread,
    RepairRun Few,
    RepairRun Unfiltered,
    long MatchedTransactions,
    int MatchedVerifies)
{
    /// <summary>The target: a repair costs less than a first sync, in transactions and in bytes.</summary>
    public const double RatioTarget = 1.0;

    public double TransactionRatio(RepairRun run) => (double)run.Transactions / FirstSyncTransactions;

    public double WireBytesRatio(RepairRun run) => (double)run.WireBytes / FirstSyncWireBytes;

    /// <summary>Both repairs a device does (with filters), whatever the damage, cost less than a first sync both ways.</summary>
    public bool Passes => new[] { Spread, Few }.All(r => TransactionRatio(r) < RatioTarget && WireBytesRatio(r) < RatioTarget);
}
