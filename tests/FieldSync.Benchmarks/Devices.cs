using System.Diagnostics;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FieldSync.Core.Sync;

namespace FieldSync.Benchmarks;

/// <summary>What one sync (all its pages) delivered and cost.</summary>
internal sealed record SyncRun(long Records, int Pulls, long WireBytes, long JsonBytes, TimeSpan Elapsed, string Checkpoint, string LastSyncMode);

/// <summary>A device calling <see cref="PullService"/> in-process (for exact storage transaction counts).</summary>
internal sealed class InProcessDevice(PullService pulls, string userId, string deviceId)
{
    public string UserId => userId;

    public string DeviceId => deviceId;

    public string? Checkpoint { get; private set; }

    /// <summary>Pulls until the server says there is no more; the first pull without a checkpoint is a first sync.</summary>
    public async Task<SyncRun> SyncAsync(int pageSize, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        long records = 0;
        for (var pull = 1; pull <= 10_000; pull++)
        {
            var result = await PullOnceAsync(pageSize, cancellationToken);
            records += result.Changes.Sum(c => c.Upserts.Count);
            if (!result.HasMore)
            {
                return new SyncRun(records, pull, 0, 0, watch.Elapsed, Checkpoint!, result.SyncMode);
            }
        }
        throw new InvalidOperationException($"The sync of {deviceId} did not finish in 10,000 pulls.");
    }

    public async Task<PullResult> PullOnceAsync(int pageSize, CancellationToken cancellationToken)
    {
        var outcome = await pulls.PullAsync(userId, new PullRequest(deviceId, Checkpoint, null, false, pageSize), cancellationToken);
        if (outcome.Failure != PullFailure.None)
        {
            throw new InvalidOperationException($"Pull of {deviceId} failed: {outcome.Failure} {outcome.Detail}");
        }
        Checkpoint = outcome.Result!.Checkpoint;
        return outcome.Result;
    }
}

/// <summary>
/// A device pulling over HTTP as the mobile app does: <c>POST api/sync/pull</c> with <c>Accept-Encoding: gzip</c>,
/// the body decompressed and parsed in full (every upsert's id read), pages followed until <c>hasMore</c> is false.
/// </summary>
internal sealed class HttpDevice(HttpClient http, string pullPath, string deviceId)
{
    public string? Checkpoint { get; private set; }

    public async Task<SyncRun> SyncAsync(int pageSize, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        long records = 0, wire = 0, json = 0;
        string mode = "";
        for (var pull = 1; pull <= 10_000; pull++)
        {
            var page = await PullOnceAsync(pageSize, cancellationToken);
            records += page.Records;
            wire += page.WireBytes;
            json += page.JsonBytes;
            mode = page.SyncMode;
            if (!page.HasMore)
            {
                return new SyncRun(records, pull, wire, json, watch.Elapsed, Checkpoint!, mode);
            }
        }
        throw new InvalidOperationException($"The HTTP sync of {deviceId} did not finish in 10,000 pulls.");
    }

    public async Task<(long Records, long WireBytes, long JsonBytes, bool HasMore, string SyncMode)> PullOnceAsync(int pageSize, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?> { ["deviceId"] = deviceId, ["checkpoint"] = Checkpoint, ["pageSize"] = pageSize });
        using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await http.PostAsync(new Uri(pullPath, UriKind.Relative), content, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Pull of {deviceId} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }
        var gzip = response.Content.Headers.ContentEncoding.Contains("gzip");
        using var raw = new MemoryStream(bytes);
        using var decompressed = new MemoryStream(gzip ? bytes.Length * 8 : 0);
        if (gzip)
        {
            await using var unzip = new GZipStream(raw, CompressionMode.Decompress);
            await unzip.CopyToAsync(decompressed, cancellationToken);
        }
        var jsonBytes = gzip ? decompressed.GetBuffer().AsMemory(0, (int)decompressed.Length) : bytes.AsMemory();
        using var document = JsonDocument.Parse(jsonBytes);
        var root = document.RootElement;
        long records = 0;
        foreach (var table in root.GetProperty("changes").EnumerateObject())
        {
            foreach (var upsert in table.Value.GetProperty("upserts").EnumerateArray())
            {
                // Read every record as an app would before storing it; a malformed record fails here.
                if (upsert.GetProperty("id").GetString() is null)
                {
                    throw new InvalidOperationException($"An upsert of {table.Name} has no id.");
                }
                records++;
            }
        }
        Checkpoint = root.GetProperty("checkpoint").GetString();
        return (records, bytes.LongLength, jsonBytes.Length, root.GetProperty("hasMore").GetBoolean(), root.GetProperty("syncMode").GetString() ?? "");
    }
}
