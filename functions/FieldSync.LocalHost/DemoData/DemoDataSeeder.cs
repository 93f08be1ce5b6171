using FieldSync.Core.Records;

namespace FieldSync.LocalHost.DemoData;

/// <summary>Writes <see cref="DemoDataSet"/> through the record service, so demo data gets versions and change tracking like any other write.</summary>
public static class DemoDataSeeder
{
    /// <summary>The writer recorded as <c>modifiedBy</c> on every seeded record.</summary>
    public const string SeedUserId = "demo-seed";

    /// <summary>How many records of one table are written at the same time.</summary>
    public const int MaxConcurrentWrites = 8;

    /// <summary>
    /// Seeds the demo data set for today's (UTC) date. Returns the number of records written, or 0 when the
    /// last record of the set already exists (the data was seeded before). Tables are written one after
    /// another in dependency order; the records of one table are written concurrently.
    /// </summary>
    /// <exception cref="InvalidOperationException">A record could not be written; the message names it and why.</exception>
    public static async Task<int> SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var records = services.GetService(typeof(RecordService)) as RecordService
            ?? throw new InvalidOperationException($"{nameof(RecordService)} is not registered; cannot seed demo data.");
        var clock = services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

        var set = DemoDataSet.Generate(today);
        if (set.Count == 0)
        {
            return 0;
        }
        // The last record is written last, so its presence means a complete earlier seed. An interrupted
        // seed is finished on the next run: records that already exist are skipped.
        var last = set[^1];
        if ((await records.GetAsync(last.Table, last.Id, cancellationToken)).Outcome == RecordOutcome.Ok)
        {
            return 0;
        }

        var written = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken };
        // Consecutive runs of one table: the set is in dependency order, so a run only depends on earlier runs.
        foreach (var run in Runs(set))
        {
            await Parallel.ForEachAsync(run, options, async (record, ct) =>
            {
                var result = await records.CreateAsync(record.Table, record.Id, record.Values, SeedUserId, ct);
                if (result.Outcome == RecordOutcome.AlreadyExists)
                {
                    return;
                }
                if (!result.Succeeded)
                {
                    var errors = result.Errors is { Count: > 0 } list
                        ? string.Join("; ", list.Select(e => $"{e.Field}: {e.Message}"))
                        : "none";
                    throw new InvalidOperationException(
                        $"Seeding {record.Table} '{record.Id}' failed with {result.Outcome}. Errors: {errors}.{(result.Detail is null ? "" : " " + result.Detail)}");
                }
                Interlocked.Increment(ref written);
            });
        }
        return written;
    }

    private static IEnumerable<List<DemoRecord>> Runs(IReadOnlyList<DemoRecord> set)
    {
        var run = new List<DemoRecord>();
        foreach (var record in set)
        {
            if (run.Count > 0 && run[0].Table != record.Table)
            {
                yield return run;
                run = [];
            }
            run.Add(record);
        }
        if (run.Count > 0)
        {
            yield return run;
        }
    }
}
