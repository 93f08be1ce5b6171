namespace FieldSync.Core.Records;

public static class RecordStoreExtensions
{
    /// <summary>How many point reads run at once when several records are needed together.</summary>
    public const int ParallelReads = 8;

    /// <summary>Reads several records at once (point reads, <see cref="ParallelReads"/> at a time); null where an id was never written.</summary>
    public static async Task<StoredRecord?[]> GetManyAsync(this IRecordStore store, IReadOnlyList<(string Table, string Id)> keys, CancellationToken cancellationToken)
    {
        var read = new StoredRecord?[keys.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (k, ct) => read[k] = await store.GetAsync(keys[k].Table, keys[k].Id, ct));
        return read;
    }

    /// <summary>
    /// The live records whose indexed <paramref name="column"/> holds <paramref name="value"/>: the index's ids, then a point
    /// read of each, kept only if it still holds the value when read (it may have changed in between).
    /// </summary>
    public static async Task<IReadOnlyList<Record>> FindLiveAsync(this IRecordStore store, string table, string column, string value, CancellationToken cancellationToken)
    {
        var ids = await store.FindIdsAsync(table, column, value, cancellationToken);
        var read = await store.GetManyAsync([.. ids.Select(id => (table, id))], cancellationToken);
        return [.. read.Where(r => r is { Record.Deleted: false } && r.Record.Values.GetValueOrDefault(column) is string held && held == value).Select(r => r!.Record)];
    }
}
