using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.FleetSimulator;

/// <summary>The figures of one run: printed as a table, written by <c>--json</c> as one JSON object.</summary>
internal sealed class FleetResults
{
    /// <summary>Sync error reasons the simulated behaviour provokes on purpose (see <see cref="UnexpectedErrors"/>).</summary>
    public static readonly IReadOnlySet<string> ExpectedRejections = new HashSet<string>(StringComparer.Ordinal) { "Permission", "Conflict" };

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public required FleetSettings Settings { get; init; }
    public required DateTimeOffset StartedOn { get; init; }
    public int SeededRecords { get; set; }
    public double SeedSeconds { get; set; }
    public double DaySeconds { get; set; }
    public double DrainSeconds { get; set; }
    public int DrainRounds { get; set; }

    /// <summary>The drain ended with two rounds in a row where nothing moved and nothing was left to upload (else it hit its time limit).</summary>
    public bool DrainSettled { get; set; }
    public double TotalSeconds { get; set; }

    public long FirstSyncs { get; set; }
    public long DeltaSyncs { get; set; }
    public long DrainSyncs { get; set; }
    public long FailedSyncs { get; set; }
    public long SyncsSkippedOffline { get; set; }
    public long OfflinePeriods { get; set; }

    /// <summary>First and delta syncs completed during the working day, per real second of it.</summary>
    public double SyncsPerSecond { get; set; }

    public required LatencySummary Pull { get; init; }
    public required LatencySummary Push { get; init; }
    public required LatencySummary FirstSync { get; init; }
    public required LatencySummary DeltaSync { get; init; }
    public required LatencySummary DispatcherToDevices { get; init; }
    public required LatencySummary TechnicianToDispatcher { get; init; }

    public long DispatcherWritesDelivered { get; set; }
    public long DispatcherWritesDeliveredAfterOutage { get; set; }
    public long DispatcherWritesUndelivered { get; set; }
    public long TechnicianChangesSeen { get; set; }
    public long TechnicianChangesRejected { get; set; }
    public long TechnicianChangesUnseen { get; set; }

    public long WorkOrderEdits { get; set; }
    public long ProductsAdded { get; set; }
    public long LocalWritesRefused { get; set; }
    public long DispatcherEdits { get; set; }
    public long Reassignments { get; set; }
    public long Completions { get; set; }
    public long DispatcherWriteFailures { get; set; }
    public long DispatcherReads { get; set; }
    public long RowsReceived { get; set; }
    public long RowsRemoved { get; set; }
    public long ChangesPushed { get; set; }
    public long IntegrityMismatches { get; set; }

    /// <summary>Sync errors the devices hold at the end, by reason (Conflict, Permission, ...).</summary>
    public IReadOnlyDictionary<string, long> SyncErrorsByReason { get; set; } = new Dictionary<string, long>();
    public long Conflicts => SyncErrorsByReason.GetValueOrDefault("Conflict");
    public IReadOnlyDictionary<int, long> HttpAnswers { get; set; } = new Dictionary<int, long>();
    public long TransportFailures { get; set; }

    /// <summary>Every storage transaction of the host during the working day (syncs, their fan-out and queue work, dispatcher writes and reads, idle trigger polls).</summary>
    public long StorageTransactionsDay { get; set; }

    /// <summary><see cref="StorageTransactionsDay"/> divided by the first and delta syncs of the day.</summary>
    public double StorageTransactionsPerSync { get; set; }
    public long StorageTransactionsDrain { get; set; }
    public IReadOnlyDictionary<string, long> StorageTransactionsByOperation { get; set; } = new Dictionary<string, long>();

    public required ConvergenceReport Convergence { get; init; }
    public int ConvergenceChecks { get; set; }
    public bool Converged => Convergence.Converged;
    public IReadOnlyList<string> FailureSamples { get; set; } = [];
    public IReadOnlyList<string> UnseenSamples { get; set; } = [];

    /// <summary>For devices that did not converge: the SDK's and the server's view of their uploads.</summary>
    public IReadOnlyList<string> Diagnostics { get; set; } = [];

    /// <summary>Where the device databases were kept (only when a device did not converge), to inspect with sqlite3.</summary>
    public string? DeviceDatabases { get; set; }

    /// <summary>
    /// Failures nothing in the simulation provokes on purpose: failed syncs, transport failures, 5xx answers, failed
    /// dispatcher writes, sync errors other than permission refusals (a record reassigned or completed while the
    /// technician edited it offline) and conflicts, dispatcher writes never delivered, technician changes never seen.
    /// </summary>
    public long UnexpectedErrors => FailedSyncs + TransportFailures + DispatcherWriteFailures + HttpAnswers.Where(a => a.Key >= 500).Sum(a => a.Value)
        + SyncErrorsByReason.Where(e => !ExpectedRejections.Contains(e.Key)).Sum(e => e.Value) + DispatcherWritesUndelivered + TechnicianChangesUnseen;

    public async Task WriteJsonAsync(FileInfo file, CancellationToken cancellationToken)
    {
        await using var stream = file.Create();
        await JsonSerializer.SerializeAsync(stream, this, Json, cancellationToken);
    }

    public void PrintTable(TextWriter output)
    {
        static string L(LatencySummary s) => string.Create(CultureInfo.InvariantCulture, $"p50 {s.P50Ms:0.0} / p95 {s.P95Ms:0.0} / p99 {s.P99Ms:0.0} / max {s.MaxMs:0.0} ms (n = {s.Count:N0})");
        var rows = new List<(string, string)>
        {
            ("devices / dispatchers", $"{Settings.Devices} / {Settings.DispatcherCount}"),
            ("working day (real s; 5 min = real s)", F($"{DaySeconds:0.0} s; {Settings.IntervalSeconds:0.##} s")),
            ("syncs: first / delta / failed", F($"{FirstSyncs:N0} / {DeltaSyncs:N0} / {FailedSyncs:N0}")),
            ("syncs per second (day)", F($"{SyncsPerSecond:0.00}")),
            ("pull request latency", L(Pull)),
            ("push request latency", L(Push)),
            ("first sync (whole download)", L(FirstSync)),
            ("delta sync (push + pulls)", L(DeltaSync)),
            ("dispatcher write -> every affected device", L(DispatcherToDevices)),
            ("  delivered / after an outage / never", F($"{DispatcherWritesDelivered:N0} / {DispatcherWritesDeliveredAfterOutage:N0} / {DispatcherWritesUndelivered:N0}")),
            ("technician push -> dispatcher reads it", L(TechnicianToDispatcher)),
            ("  seen / rejected / never", F($"{TechnicianChangesSeen:N0} / {TechnicianChangesRejected:N0} / {TechnicianChangesUnseen:N0}")),
            ("technician edits: work orders / parts added", F($"{WorkOrderEdits:N0} / {ProductsAdded:N0}")),
            ("dispatcher writes: edits / reassignments / completions", F($"{DispatcherEdits:N0} / {Reassignments:N0} / {Completions:N0}")),
            ("offline periods / syncs skipped offline", F($"{OfflinePeriods:N0} / {SyncsSkippedOffline:N0}")),
            ("sync errors by reason", SyncErrorsByReason.Count == 0 ? "none" : string.Join(", ", SyncErrorsByReason.Select(e => F($"{e.Key} {e.Value:N0}")))),
            ("conflicts", F($"{Conflicts:N0} (conflict detection {(Settings.ConflictDetection ? "Yes" : "No")})")),
            ("HTTP answers", string.Join(", ", HttpAnswers.Select(a => F($"{a.Key}: {a.Value:N0}")))),
            ("storage transactions per sync (day)", F($"{StorageTransactionsPerSync:0.0} ({StorageTransactionsDay:N0} in the day)")),
            ("SDK integrity mismatches", F($"{IntegrityMismatches:N0}")),
            ("unexpected errors", F($"{UnexpectedErrors:N0}")),
            ("drain", F($"{DrainRounds} rounds, {DrainSeconds:0.0} s, {(DrainSettled ? "settled" : "NOT settled")}")),
            ("converged", F($"{(Converged ? "YES" : "NO")}: {Convergence.DevicesConverged}/{Convergence.Devices} devices, {Convergence.RowsHeld:N0} rows held, {Convergence.RowsExpected:N0} expected; missing {Convergence.Missing}, extra {Convergence.Extra}, stale {Convergence.Stale}, unsent {Convergence.Unsent}")),
        };
        var width = rows.Max(r => r.Item1.Length);
        foreach (var (name, value) in rows)
        {
            output.WriteLine($"{name.PadRight(width)}  {value}");
        }
        foreach (var sample in Convergence.Samples.Concat(FailureSamples).Concat(UnseenSamples).Concat(Diagnostics))
        {
            output.WriteLine("  " + sample);
        }
        if (DeviceDatabases is not null)
        {
            output.WriteLine("  device databases kept in " + DeviceDatabases);
        }
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
