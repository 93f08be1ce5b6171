using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FieldSync.Core.FullDelta;
using FieldSync.Core.Sync;

namespace FieldSync.Benchmarks;

/// <summary>
/// A device over HTTP that keeps its rows (id → version and JSON per table), so it can be damaged and repair itself with
/// <c>POST api/sync/verify</c> and <c>api/sync/fetch</c> as docs/sync-protocol.md "Full delta sync" says. Counts the
/// requests and the bytes on the wire both ways (request bodies, and answers gzip), and the rows verify answers sent whole.
/// </summary>
internal sealed class FullDeltaDevice(HttpClient http, string apiPrefix, string deviceId)
{
    public Dictionary<string, Dictionary<string, (long Version, string Json)>> Tables { get; } = new(StringComparer.Ordinal);

    public string? Checkpoint { get; private set; }

    public long WireBytes { get; private set; }

    public int Requests { get; private set; }

    public int SentWhole { get; private set; }

    public void ResetCounts() => (WireBytes, Requests, SentWhole) = (0, 0, 0);

    public async Task FirstSyncAsync(int pageSize, CancellationToken cancellationToken)
    {
        do
        {
            var body = await PostAsync("sync/pull", new JsonObject { ["deviceId"] = deviceId, ["checkpoint"] = Checkpoint, ["pageSize"] = pageSize }, cancellationToken);
            foreach (var table in body.GetProperty("changes").EnumerateObject())
            {
                var rows = Rows(table.Name);
                foreach (var upsert in table.Value.GetProperty("upserts").EnumerateArray())
                {
                    rows[upsert.GetProperty("id").GetString()!] = (upsert.GetProperty("version").GetInt64(), upsert.GetRawText());
                }
                foreach (var id in table.Value.GetProperty("removes").EnumerateArray())
                {
                    rows.Remove(id.GetString()!);
                }
            }
            Checkpoint = body.GetProperty("checkpoint").GetString();
            if (!body.GetProperty("hasMore").GetBoolean())
            {
                return;
            }
        }
        while (true);
    }

    /// <summary>Damages every table alike: of each 20 rows in id order, the first goes missing and the second turns stale; as many extra rows appear.</summary>
    public (int Missing, int Extra, int Stale) Damage() => Damage(Tables.Keys.ToList(), 20);

    /// <summary>Localized damage: in <paramref name="table"/> only, <paramref name="rows"/> rows missing, as many stale, as many extra.</summary>
    public (int Missing, int Extra, int Stale) DamageFew(string table, int rows) => Damage([table], Math.Max(2, Tables[table].Count / rows));

    private (int Missing, int Extra, int Stale) Damage(IReadOnlyList<string> tables, int every)
    {
        int missing = 0, extra = 0, stale = 0;
        foreach (var table in tables)
        {
            var rows = Tables[table];
            var ids = rows.Keys.Order(StringComparer.Ordinal).ToList();
            for (var i = 0; i < ids.Count; i += every)
            {
                var (version, json) = rows[ids[i]];
                rows.Remove(ids[i]);
                rows[$"{ids[i]}-extra"] = (version, json);
                missing++;
                extra++;
                if (i + 1 < ids.Count)
                {
                    rows[ids[i + 1]] = (rows[ids[i + 1]].Version + 1000, rows[ids[i + 1]].Json);
                    stale++;
                }
            }
        }
        return (missing, extra, stale);
    }

    /// <summary>
    /// The whole repair: verify pages (with a held-rows filter per table when <paramref name="withFilters"/>), storing the rows
    /// an answer sends whole, and for each table whose list completes, delete extras and fetch what is still missing or stale.
    /// </summary>
    public async Task<(int Verifies, int Fetches, int Repaired)> RepairAsync(IReadOnlyCollection<string> profileTables, bool withFilters, CancellationToken cancellationToken)
    {
        var holdings = new JsonObject();
        foreach (var table in profileTables.Where(t => Tables.TryGetValue(t, out var rows) && rows.Count > 0))
        {
            var rows = Tables[table];
            var checksum = rows.Aggregate(0L, (x, row) => x ^ BucketChecksum.Of(row.Key, row.Value.Version));
            holdings[table] = new JsonObject { ["count"] = rows.Count, ["checksum"] = BucketChecksum.Format(checksum) };
            if (withFilters)
            {
                holdings[table]!["heldRows"] = HeldRowsFilter.Of([.. rows.Select(r => (r.Key, r.Value.Version))]).Encoded;
            }
        }
        var listed = new Dictionary<string, List<(string Id, long Version, long Seq)>>(StringComparer.Ordinal);
        int verifies = 0, fetches = 0, repaired = 0;
        string? continuation = null;
        do
        {
            var body = await PostAsync("sync/verify", new JsonObject { ["deviceId"] = deviceId, ["checkpoint"] = Checkpoint, ["tables"] = holdings.DeepClone(), ["continuation"] = continuation }, cancellationToken);
            verifies++;
            var checkpoint = body.GetProperty("checkpoint").GetString()!;
            foreach (var table in body.GetProperty("tables").EnumerateObject())
            {
                if (table.Value.GetProperty("status").GetString() != "repair")
                {
                    continue;
                }
                if (!listed.TryGetValue(table.Name, out var list))
                {
                    listed[table.Name] = list = [];
                }
                list.AddRange(table.Value.GetProperty("rows").EnumerateArray().Select(r => (r[0].GetString()!, r[1].GetInt64(), r[2].GetInt64())));
                if (table.Value.TryGetProperty("upserts", out var upserts))
                {
                    var rows = Rows(table.Name);
                    foreach (var row in upserts.EnumerateArray())
                    {
                        rows[row.GetProperty("id").GetString()!] = (row.GetProperty("version").GetInt64(), row.GetRawText());
                        SentWhole++;
                    }
                }
                if (table.Value.GetProperty("complete").GetBoolean())
                {
                    fetches += await RepairTableAsync(table.Name, list, checkpoint, cancellationToken);
                    repaired++;
                }
            }
            Checkpoint = checkpoint;
            continuation = body.TryGetProperty("continuation", out var next) ? next.GetString() : null;
        }
        while (continuation is not null);
        return (verifies, fetches, repaired);
    }

    private async Task<int> RepairTableAsync(string table, List<(string Id, long Version, long Seq)> list, string checkpoint, CancellationToken cancellationToken)
    {
        var rows = Rows(table);
        var should = list.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var id in rows.Keys.Where(id => !should.ContainsKey(id)).ToList())
        {
            rows.Remove(id);
        }
        var wanted = list.Where(r => !rows.TryGetValue(r.Id, out var held) || held.Version != r.Version).ToList();
        var calls = 0;
        foreach (var chunk in wanted.Chunk(1000))
        {
            var ids = new JsonArray([.. chunk.Select(r => (JsonNode)r.Id)]);
            var seqs = new JsonArray([.. chunk.Select(r => (JsonNode)r.Seq)]);
            var body = await PostAsync("sync/fetch", new JsonObject { ["deviceId"] = deviceId, ["checkpoint"] = checkpoint, ["table"] = table, ["ids"] = ids, ["seqs"] = seqs }, cancellationToken);
            calls++;
            foreach (var row in body.GetProperty("rows").EnumerateArray())
            {
                rows[row.GetProperty("id").GetString()!] = (row.GetProperty("version").GetInt64(), row.GetRawText());
            }
            foreach (var id in body.GetProperty("gone").EnumerateArray())
            {
                rows.Remove(id.GetString()!);
            }
        }
        return calls;
    }

    /// <summary>Every table's ids and versions, to compare with another device.</summary>
    public Dictionary<string, string> Fingerprint()
        => Tables.Where(t => t.Value.Count > 0).ToDictionary(t => t.Key,
            t => string.Join(",", t.Value.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}@{r.Value.Version}")), StringComparer.Ordinal);

    private Dictionary<string, (long Version, string Json)> Rows(string table)
    {
        if (!Tables.TryGetValue(table, out var rows))
        {
            Tables[table] = rows = new Dictionary<string, (long, string)>(StringComparer.Ordinal);
        }
        return rows;
    }

    private async Task<JsonElement> PostAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        var text = body.ToJsonString();
        WireBytes += Encoding.UTF8.GetByteCount(text);
        using var content = new StringContent(text, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await http.PostAsync(new Uri(apiPrefix + path, UriKind.Relative), content, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Requests++;
        WireBytes += bytes.LongLength;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{path} of {deviceId} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }
        var json = bytes;
        if (response.Content.Headers.ContentEncoding.Contains("gzip"))
        {
            using var raw = new MemoryStream(bytes);
            await using var unzip = new GZipStream(raw, CompressionMode.Decompress);
            using var plain = new MemoryStream();
            await unzip.CopyToAsync(plain, cancellationToken);
            json = plain.ToArray();
        }
        return JsonDocument.Parse(json).RootElement.Clone();
    }
}
