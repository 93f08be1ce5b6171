using FieldSync.Storage;

namespace FieldSync.Benchmarks;

/// <summary>
/// The full delta sync measurement, over HTTP on the local host: a fresh device of one technician does a first sync
/// (counted), is damaged and repairs itself by verify + fetch (counted) three times — 5% of every table's rows missing,
/// 5% stale, as many extra, with held-rows filters; ten of each in its largest table, with held-rows filters; the 5% again without
/// filters — must hold exactly what its first sync gave it after each, and verifies once more (everything matched, counted).
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

        var spread = await RepairAsync(device, counter, profileTables, "spread", () => device.Damage(), withFilters: true, expected, step, cancellationToken);
        var largest = device.Tables.MaxBy(t => t.Value.Count).Key;
        var few = await RepairAsync(device, counter, profileTables, $"few ({largest})", () => device.DamageFew(largest, 10), withFilters: true, expected, step, cancellationToken);
        var unfiltered = await RepairAsync(device, counter, profileTables, "spread, no held-rows filters", () => device.Damage(), withFilters: false, expected, step, cancellationToken);

        step("Full delta sync: a verify with nothing damaged (counted)...");
        before = TableTransactions(counter);
        var (matchedVerifies, matchedFetches, matchedRepaired) = await device.RepairAsync(profileTables, withFilters: true, cancellationToken);
        var matched = TableTransactions(counter) - before;
        if (matchedFetches + matchedRepaired > 0)
        {
            throw new InvalidOperationException($"A verify of an undamaged device listed {matchedRepaired} tables.");
        }
        return new FullDeltaCost(rows, firstSync.Transactions, firstSync.WireBytes, firstSync.Requests, spread, few, unfiltered, matched, matchedVerifies);
    }

    /// <summary>Damages the device, repairs it (counted), and checks it then holds exactly what its first sync gave it.</summary>
    private static async Task<RepairRun> RepairAsync(FullDeltaDevice device, StorageTransactionCounter counter, IReadOnlyCollection<string> profileTables, string name,
        Func<(int Missing, int Extra, int Stale)> damage, bool withFilters, Dictionary<string, string> expected, Action<string> step, CancellationToken cancellationToken)
    {
        var (missing, extra, stale) = damage();
        step($"Full delta sync, {name}: {missing} rows missing, {extra} extra, {stale} stale; repairing (counted)...");
        device.ResetCounts();
        var before = TableTransactions(counter);
        var (verifies, fetches, _) = await device.RepairAsync(profileTables, withFilters, cancellationToken);
        var transactions = TableTransactions(counter) - before;
        var after = device.Fingerprint();
        if (!after.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal)))
        {
            throw new InvalidOperationException($"After the full delta sync ({name}) the device does not hold what its first sync gave it.");
        }
        return new RepairRun(name, missing, extra, stale, transactions, device.WireBytes, verifies, fetches, device.SentWhole);
    }

    /// <summary>Table transactions only: the local host's queue triggers poll their queues all the while.</summary>
    private static long TableTransactions(StorageTransactionCounter counter)
        => counter.ByOperation.Where(kv => !kv.Key.Contains(" fieldsync-", StringComparison.Ordinal)).Sum(kv => kv.Value);
}
