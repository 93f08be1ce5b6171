using System.Collections.Concurrent;
using System.Net;

namespace FieldSync.FleetSimulator;

/// <summary>Everything the run measures, shared by every device, dispatcher and watcher (thread-safe).</summary>
internal sealed class FleetMetrics
{
    private const int MaxFailureSamples = 20;

    private readonly ConcurrentQueue<string> failures = new();
    private readonly ConcurrentDictionary<int, long> answers = new();

    /// <summary>Each <c>POST sync/pull</c> request, body included.</summary>
    public LatencyRecorder Pull { get; } = new();

    /// <summary>Each <c>POST sync/push</c> request (accepted with 202 and a receipt; applied later by the queue function).</summary>
    public LatencyRecorder Push { get; } = new();

    /// <summary>A whole first sync (every page of the download), per device.</summary>
    public LatencyRecorder FirstSync { get; } = new();

    /// <summary>A whole delta sync (push, pulls, receipts).</summary>
    public LatencyRecorder DeltaSync { get; } = new();

    /// <summary>A dispatcher's write until every affected device holds its outcome (the new version, or the row gone).</summary>
    public LatencyRecorder DispatcherToDevices { get; } = new();

    /// <summary>A technician's change, from the start of the sync that pushed it, until the dispatcher reads it on the records API.</summary>
    public LatencyRecorder TechnicianToDispatcher { get; } = new();

    public FleetCounter FirstSyncs { get; } = new();
    public FleetCounter DeltaSyncs { get; } = new();
    public FleetCounter DrainSyncs { get; } = new();
    public FleetCounter FailedSyncs { get; } = new();
    public FleetCounter SyncsSkippedOffline { get; } = new();
    public FleetCounter OfflinePeriods { get; } = new();
    public FleetCounter RowsReceived { get; } = new();
    public FleetCounter RowsRemoved { get; } = new();
    public FleetCounter ChangesPushed { get; } = new();
    public FleetCounter WorkOrderEdits { get; } = new();
    public FleetCounter ProductsAdded { get; } = new();
    public FleetCounter LocalWritesRefused { get; } = new();
    public FleetCounter DispatcherEdits { get; } = new();
    public FleetCounter Reassignments { get; } = new();
    public FleetCounter Completions { get; } = new();
    public FleetCounter DispatcherWriteFailures { get; } = new();
    public FleetCounter DispatcherReads { get; } = new();
    public FleetCounter IntegrityMismatches { get; } = new();
    public FleetCounter TransportFailures { get; } = new();

    /// <summary>HTTP answers the devices got, by status code.</summary>
    public IReadOnlyDictionary<int, long> Answers => new SortedDictionary<int, long>(answers);

    /// <summary>The first failures, for the report.</summary>
    public IReadOnlyList<string> FailureSamples => [.. failures];

    public void CountAnswer(HttpStatusCode status) => answers.AddOrUpdate((int)status, 1, (_, n) => n + 1);

    public void CountTransportFailure(Exception e)
    {
        TransportFailures.Increment();
        Fail("transport: " + e.Message);
    }

    public void Fail(string what)
    {
        if (failures.Count < MaxFailureSamples)
        {
            failures.Enqueue(what);
        }
    }
}
