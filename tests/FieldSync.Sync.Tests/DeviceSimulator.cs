using System.Text.Json;
using FieldSync.Core.Sync;

namespace FieldSync.Sync.Tests;

/// <summary>
/// A device's offline database as the pull protocol builds it: resync drops a table, upserts replace rows,
/// removes delete them. It pulls until the server says there is no more.
/// </summary>
public sealed partial class DeviceSimulator(PullService pulls, string userId, string deviceId)
{
    public Dictionary<string, Dictionary<string, JsonElement>> Tables { get; } = new(StringComparer.Ordinal);

    public string? Checkpoint { get; private set; }

    public List<PullResult> History { get; } = [];

    public PullResult? Last => History.Count == 0 ? null : History[^1];

    public IReadOnlySet<string> Ids(string table)
        => Tables.TryGetValue(table, out var rows) ? rows.Keys.ToHashSet(StringComparer.Ordinal) : new HashSet<string>(StringComparer.Ordinal);

    public long VersionOf(string table, string id) => Tables[table][id].GetProperty("version").GetInt64();

    /// <summary>The table's checksum over the rows held (see <see cref="BucketChecksum"/>), formatted as the server sends it.</summary>
    public string ChecksumOf(string table)
        => BucketChecksum.Format((Tables.GetValueOrDefault(table) ?? []).Aggregate(0L, (x, row) => x ^ BucketChecksum.Of(row.Key, row.Value.GetProperty("version").GetInt64())));

    /// <summary>The rows held of a table.</summary>
    public int CountOf(string table) => Tables.TryGetValue(table, out var rows) ? rows.Count : 0;

    /// <summary>Pulls pages until hasMore is false. Returns the results of this sync.</summary>
    public async Task<List<PullResult>> SyncAsync(IReadOnlyList<string>? tables = null, bool force = false, int pageSize = PullService.DefaultPageSize)
    {
        var results = new List<PullResult>();
        for (var page = 0; page < 10_000; page++)
        {
            var outcome = await pulls.PullAsync(userId, new PullRequest(deviceId, Checkpoint, tables, force, pageSize), CancellationToken.None);
            Assert.True(outcome.Failure == PullFailure.None, $"pull failed: {outcome.Failure} {outcome.Detail}");
            Apply(outcome.Result!);
            results.Add(outcome.Result!);
            History.Add(outcome.Result!);
            if (!outcome.Result!.HasMore)
            {
                return results;
            }
        }
        throw new InvalidOperationException("sync did not finish");
    }

    /// <summary>Pulls one page only (a download interrupted after it). Returns whether the server has more.</summary>
    public async Task<bool> PullPageAsync(int pageSize)
    {
        var outcome = await pulls.PullAsync(userId, new PullRequest(deviceId, Checkpoint, null, false, pageSize), CancellationToken.None);
        Assert.True(outcome.Failure == PullFailure.None, $"pull failed: {outcome.Failure} {outcome.Detail}");
        Apply(outcome.Result!);
        History.Add(outcome.Result!);
        return outcome.Result!.HasMore;
    }

    /// <summary>Forgets everything, as the seed's app reset does: the next sync is a first sync.</summary>
    public void Reset()
    {
        Tables.Clear();
        Checkpoint = null;
    }

    private void Apply(PullResult result)
    {
        if (result.Reset is not null)
        {
            Tables.Clear(); // a reset: the device clears its database before applying the first page of the new one
        }
        foreach (var table in result.Resync.Concat(result.Dropped))
        {
            Tables.Remove(table);
        }
        foreach (var change in result.Changes)
        {
            if (!Tables.TryGetValue(change.Table, out var rows))
            {
                rows = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                Tables[change.Table] = rows;
            }
            foreach (var op in change.Upserts)
            {
                rows[op.Id] = JsonDocument.Parse(op.Data!).RootElement.Clone();
            }
            foreach (var id in change.Removes)
            {
                rows.Remove(id);
            }
        }
        Checkpoint = result.Checkpoint;
        VerifyIntegrity(result);
    }

    /// <summary>
    /// Checks every table's count and checksum the response carries against the rows held after applying it, as a
    /// device must: a mismatch here is a false integrity failure (the device would drop the table for nothing) or
    /// a real divergence, both bugs.
    /// </summary>
    private void VerifyIntegrity(PullResult result)
    {
        foreach (var status in result.Status.Where(s => s.Count is not null))
        {
            var (count, checksum) = (CountOf(status.Table), ChecksumOf(status.Table));
            Assert.True(status.Count == count && status.Checksum == checksum,
                $"{deviceId}: {status.Table} figures say {status.Count} rows / {status.Checksum}, the device holds {count} / {checksum}");
        }
    }
}
