using FieldSync.Storage;

namespace FieldSync.Benchmarks;

/// <summary>
/// The full delta sync measurement, over HTTP on the local host: a fresh device of one technician does a first sync
/// (counted), is damaged (5% of every table's rows missing, 5% stale, as many extra), repairs itself by verify + fetch
/// (counted), must then hold exactly what its first sync gave it, and verifies once more (everything matched, counted).
/// Transactions are the host's table transactions: its queue triggers poll meanwhile, and those polls are left out.
/// </summary>
internal static class FullDeltaBenchmark
{
    public static async Task<FullDeltaCost> RunAsync(HttpClient http, string apiPrefix, StorageTransactionCounter counter, string user, IReadOnlyCollection<string> profileTables,
        int pageSize, Action<string> step, CancellationToken cancellationToken)
    {
        var device = new FullDeltaDevice(http, apiPrefix, user + "-full-delta");
        step($"Full delta sync: first sync of {user}-full-delta over HTTP (counted)...");
        var before = TableTransactions(counter);
        await device.FirstSyncAsync(pageSize, cancellationToken);
        var firstSync = (Transactions: TableTransactions(counter) - before, device.WireBytes, device.Requests);
        var expected = device.Fingerprint();
        var rows = device.Tables.Sum(t => (long)t.Value.Count);

        var (missing, extra, stale) = device.Damage();
        step($"Full delta sync: {missing} rows missing, {extra} extra, {stale} stale; repairing by verify + fetch (counted)...");
        device.ResetCounts();
        before = TableTransactions(counter);
        var (verifies, fetches, _) = await device.RepairAsync(profileTables, cancellationToken);
        var repair = (Transactions: TableTransactions(counter) - before, device.WireBytes, device.Requests);
        var after = device.Fingerprint();
        if (!after.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal)))
        {
            throw new InvalidOperationException("After the full delta sync the device does not hold what its first sync gave it.");
        }

        step("Full delta sync: a verify with nothing damaged (counted)...");
        before = TableTransactions(counter);
        var (matchedVerifies, matchedFetches, matchedRepaired) = await device.RepairAsync(profileTables, cancellationToken);
        var matched = TableTransactions(counter) - before;
        if (matchedFetches + matchedRepaired > 0)
        {
            throw new InvalidOperationException($"A verify of an undamaged device listed {matchedRepaired} tables.");
        }
        return new FullDeltaCost(rows, missing, extra, stale, firstSync.Transactions, firstSync.WireBytes, firstSync.Requests,
            repair.Transactions, repair.WireBytes, verifies, fetches, matched, matchedVerifies);
    }

    /// <summary>Table transactions only: the local host's queue triggers poll their queues all the while.</summary>
    private static long TableTransactions(StorageTransactionCounter counter)
        => counter.ByOperation.Where(kv => !kv.Key.Contains(" fieldsync-", StringComparison.Ordinal)).Sum(kv => kv.Value);
}
