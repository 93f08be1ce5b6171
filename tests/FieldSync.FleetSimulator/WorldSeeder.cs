using System.Collections.Concurrent;
using FieldSync.Core.Records;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.FleetSimulator;

/// <summary>
/// Writes the world through the host's own <see cref="RecordService"/> (versions, lookup index, fan-out markers as any
/// write gets them), before any device syncs. Each write's fan-out is collected instead of sent, then completed here:
/// no scope exists yet, so the fan-out would only clear the write's marker, and thousands of record-change messages
/// would stall Azurite (its queue garbage collection is quadratic in the bodies it removes and blocks every request).
/// </summary>
internal static class WorldSeeder
{
    private const string Writer = "fleet-seed";
    private const int ConcurrentWrites = 8;

    public static async Task<int> SeedAsync(IServiceProvider services, FleetWorld world, CancellationToken cancellationToken)
    {
        var records = services.GetRequiredService<RecordService>();
        var store = services.GetRequiredService<IRecordStore>();
        var written = 0;
        foreach (var stage in world.Stages)
        {
            var fanOut = new ConcurrentQueue<ChangedRecord>();
            await Parallel.ForEachAsync(stage, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentWrites, CancellationToken = cancellationToken }, async (row, ct) =>
            {
                var collected = new List<ChangedRecord>(1);
                var result = await records.CreateAsync(row.Table, row.Id, row.Values, Writer, ct, collected);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"Seeding {row.Table} '{row.Id}': {result.Outcome} " +
                        string.Join("; ", result.Errors?.Select(e => e.Field + ": " + e.Message) ?? []) + " " + result.Detail);
                }
                collected.ForEach(fanOut.Enqueue);
                Interlocked.Increment(ref written);
            });
            await store.CompleteFanOutAsync([.. fanOut], cancellationToken);
        }
        return written;
    }
}
