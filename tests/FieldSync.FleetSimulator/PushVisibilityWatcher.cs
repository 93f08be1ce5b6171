using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace FieldSync.FleetSimulator;

/// <summary>
/// Push-to-visible, device to server: a dispatcher's screen polling the records API (<c>GET api/records/{table}/{id}</c>)
/// for each technician change pushed, from the start of the sync that pushed it until the record shows it. The push
/// answers 202 at once and the queue function applies it later, so this is the latency the back office sees. A change
/// the server rejected (its record was reassigned or completed meanwhile) is dropped when the device learns the outcome.
/// </summary>
internal sealed class PushVisibilityWatcher(HttpClient records, FleetMetrics metrics)
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(200);

    private readonly ConcurrentDictionary<TechnicianChange, long> pending = new();

    public FleetCounter Seen { get; } = new();

    public FleetCounter Rejected { get; } = new();

    public int Pending => pending.Count;

    /// <summary>Changes that left the device in a sync that started at <paramref name="started"/> (a Stopwatch timestamp).</summary>
    public void Pushed(IEnumerable<TechnicianChange> changes, long started)
    {
        foreach (var change in changes)
        {
            pending.TryAdd(change, started);
        }
    }

    /// <summary>The device learned that its changes to this record were rejected: nothing will show them.</summary>
    public void RejectedOn(string deviceId, string table, string recordId)
    {
        foreach (var change in pending.Keys.Where(c => c.DeviceId == deviceId && c.Table == table && c.RecordId == recordId))
        {
            if (pending.TryRemove(change, out _))
            {
                Rejected.Increment();
            }
        }
    }

    /// <summary>What is still not seen, for the report.</summary>
    public IReadOnlyList<TechnicianChange> Unseen => [.. pending.Keys];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollEvery);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            // One read per record, however many changes of it are waiting.
            var byRecord = pending.Keys.GroupBy(c => (c.Table, c.RecordId)).ToList();
            await Parallel.ForEachAsync(byRecord, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
                async (group, ct) => await PollAsync(group.Key.Table, group.Key.RecordId, [.. group], ct));
        }
    }

    private async Task PollAsync(string table, string recordId, List<TechnicianChange> changes, CancellationToken cancellationToken)
    {
        metrics.DispatcherReads.Increment();
        using var response = await records.GetAsync(new Uri($"api/records/{table}/{recordId}", UriKind.Relative), cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return; // a created part not applied yet (404)
        }
        using var body = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
        var instructions = body.RootElement.TryGetProperty(TechnicianChange.InstructionsColumn, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        foreach (var change in changes.Where(c => c.Marker is null || c.ShownBy(instructions)))
        {
            if (pending.TryRemove(change, out var started))
            {
                Seen.Increment();
                metrics.TechnicianToDispatcher.Record(Stopwatch.GetElapsedTime(started));
            }
        }
    }
}
