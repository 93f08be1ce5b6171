using System.Text.Json;
using FieldSync.Core.FullDelta;
using FieldSync.Core.Sync;

namespace FieldSync.Sync.Tests;

public sealed partial class DeviceSimulator
{
    /// <summary>What one full delta sync did: verify answers, fetches, the rows it deleted and fetched, and those the verify sent whole.</summary>
    public sealed record FullDeltaRun(int Verifies, int Fetches, int Deleted, int Fetched, int Gone, IReadOnlyList<VerifiedTable> Tables)
    {
        public int Sent { get; init; }
    }

    /// <summary>
    /// The device's repair, as docs/sync-protocol.md "Full delta sync" describes it: verify with the count and checksum of
    /// every table held (and, <paramref name="withFilters"/>, its held-rows filter); store the rows the answer sends whole; for each
    /// table whose list completes, delete the ids held that are not listed, fetch the ids still missing or held at another
    /// version (deleting those answered gone), then store the answer's checkpoint.
    /// <paramref name="betweenPages"/> runs after each verify answer (a write landing between pages).
    /// </summary>
    public async Task<FullDeltaRun> FullDeltaSyncAsync(FullDeltaSyncService service, int? pageSize = null, Func<Task>? betweenPages = null, bool withFilters = true)
    {
        var holdings = Tables.ToDictionary(t => t.Key, t => (ReportedHolding?)new ReportedHolding(t.Value.Count, ChecksumOf(t.Key),
            withFilters ? HeldRowsFilter.Of([.. t.Value.Keys.Select(id => (id, VersionOf(t.Key, id)))]).Encoded : null), StringComparer.Ordinal);
        var listed = new Dictionary<string, List<MemberRow>>(StringComparer.Ordinal);
        var answered = new List<VerifiedTable>();
        int verifies = 0, fetches = 0, deleted = 0, fetched = 0, gone = 0, sent = 0;
        string? continuation = null;
        var checkpoint = Checkpoint;
        do
        {
            var outcome = await service.VerifyAsync(userId, new VerifyRequest(deviceId, checkpoint, holdings, continuation, pageSize), CancellationToken.None);
            Assert.True(outcome.Failure == FullDeltaFailure.None, $"verify failed: {outcome.Failure} {outcome.Detail}");
            verifies++;
            var result = outcome.Result!;
            foreach (var table in result.Tables)
            {
                answered.Add(table);
                if (table.Status != VerifyStatuses.Repair)
                {
                    continue;
                }
                if (!listed.TryGetValue(table.Table, out var rows))
                {
                    listed[table.Table] = rows = [];
                }
                rows.AddRange(table.Rows);
                if (!Tables.TryGetValue(table.Table, out var held))
                {
                    Tables[table.Table] = held = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                }
                foreach (var op in table.Upserts)
                {
                    held[op.Id] = JsonDocument.Parse(op.Data!).RootElement.Clone();
                    sent++;
                }
                if (!table.Complete)
                {
                    continue;
                }
                var (d, f, g, calls) = await RepairAsync(service, table.Table, rows, result.Checkpoint);
                (deleted, fetched, gone, fetches) = (deleted + d, fetched + f, gone + g, fetches + calls);
            }
            checkpoint = result.Checkpoint;
            Checkpoint = checkpoint; // stored once every table completed on this page is repaired
            continuation = result.Continuation;
            if (continuation is not null && betweenPages is not null)
            {
                await betweenPages();
            }
        }
        while (continuation is not null);
        return new FullDeltaRun(verifies, fetches, deleted, fetched, gone, answered) { Sent = sent };
    }

    private async Task<(int Deleted, int Fetched, int Gone, int Fetches)> RepairAsync(FullDeltaSyncService service, string table, List<MemberRow> rows, string checkpoint)
    {
        if (!Tables.TryGetValue(table, out var held))
        {
            Tables[table] = held = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        }
        var should = rows.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var extra = held.Keys.Where(id => !should.ContainsKey(id)).ToList();
        foreach (var id in extra)
        {
            held.Remove(id);
        }
        var wanted = rows.Where(r => !held.TryGetValue(r.Id, out var row) || row.GetProperty("version").GetInt64() != r.Version).ToList();
        int fetched = 0, gone = 0, calls = 0;
        foreach (var chunk in wanted.Chunk(FullDeltaLimits.MaxFetchIds))
        {
            var outcome = await service.FetchAsync(userId, new FetchRequest(deviceId, checkpoint, table, [.. chunk.Select(r => r.Id)], [.. chunk.Select(r => r.Seq)]), CancellationToken.None);
            Assert.True(outcome.Failure == FullDeltaFailure.None, $"fetch failed: {outcome.Failure} {outcome.Detail}");
            calls++;
            foreach (var op in outcome.Result!.Rows)
            {
                held[op.Id] = JsonDocument.Parse(op.Data!).RootElement.Clone();
                fetched++;
            }
            foreach (var id in outcome.Result.Gone)
            {
                held.Remove(id);
                gone++;
            }
        }
        return (extra.Count, fetched, gone, calls);
    }

    /// <summary>Damages the local copy of a table: drops a row, adds one the server never had, and makes one stale.</summary>
    public void Damage(string table, string missing, string extra, string stale)
    {
        var rows = Tables[table];
        var template = rows.Values.First();
        Assert.True(rows.Remove(missing), $"{missing} not held");
        rows[extra] = Rewrite(template, extra, 7);
        rows[stale] = Rewrite(rows[stale], stale, rows[stale].GetProperty("version").GetInt64() - 1);
    }

    private static JsonElement Rewrite(JsonElement row, string id, long version)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(row.GetRawText())!.AsObject();
        node["id"] = id;
        node["version"] = version;
        return JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
    }
}
