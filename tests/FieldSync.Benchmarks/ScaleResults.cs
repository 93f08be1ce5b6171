using System.Globalization;
using System.Text.Json;
using FieldSync.Storage;

namespace FieldSync.Benchmarks;

/// <summary>What one measured operation cost: the counter's deltas (the triggers' empty polls left out) and its wall time.</summary>
internal sealed record Cost(
    long Transactions,
    long EntitiesRead,
    long NonKeyQueries,
    IReadOnlyDictionary<string, long> NonKeyFilters,
    IReadOnlyDictionary<string, long> ByOperation,
    double Seconds)
{
    public static readonly Cost None = new(0, 0, 0, new Dictionary<string, long>(), new Dictionary<string, long>(), 0);

    /// <summary>A filter text of each <see cref="NonKeyFilters"/> key, to show which query it was.</summary>
    public IReadOnlyDictionary<string, string> NonKeyExamples { get; init; } = new Dictionary<string, string>();

    public string NonKeySummary => string.Join("; ", NonKeyFilters.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
        .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} x{kv.Value}")));
}

/// <summary>Measures spans of work with the storage counter: deltas of every figure it keeps, minus what the drainer did not count.</summary>
internal sealed class ScaleMeter(StorageTransactionCounter counter, QueueDrainer drainer)
{
    public readonly record struct Mark(long Total, long Entities, long NonKey, IReadOnlyDictionary<string, long> Filters, IReadOnlyDictionary<string, long> Operations,
        IReadOnlyDictionary<string, long> Uncounted, long Ticks);

    public Mark Start() => new(counter.Total, counter.EntitiesRead, counter.NonKeyQueries, counter.NonKeyFilters, counter.ByOperation,
        new Dictionary<string, long>(drainer.UncountedByOperation), System.Diagnostics.Stopwatch.GetTimestamp());

    public Cost Stop(Mark start)
    {
        var uncounted = Delta(drainer.UncountedByOperation, start.Uncounted);
        var operations = Delta(counter.ByOperation, start.Operations);
        foreach (var (operation, n) in uncounted)
        {
            operations[operation] = operations.GetValueOrDefault(operation) - n;
            if (operations[operation] == 0)
            {
                operations.Remove(operation);
            }
        }
        var filters = Delta(counter.NonKeyFilters, start.Filters);
        var examples = counter.NonKeyFilterExamples;
        return new Cost(counter.Total - start.Total - uncounted.Values.Sum(), counter.EntitiesRead - start.Entities, counter.NonKeyQueries - start.NonKey,
            filters, operations, System.Diagnostics.Stopwatch.GetElapsedTime(start.Ticks).TotalSeconds)
        {
            NonKeyExamples = filters.Keys.Where(examples.ContainsKey).ToDictionary(k => k, k => examples[k], StringComparer.Ordinal),
        };
    }

    private static Dictionary<string, long> Delta(IReadOnlyDictionary<string, long> now, IReadOnlyDictionary<string, long> before)
        => now.Select(kv => (kv.Key, N: kv.Value - before.GetValueOrDefault(kv.Key))).Where(x => x.N != 0).ToDictionary(x => x.Key, x => x.N, StringComparer.Ordinal);
}

/// <summary>The figures of one fleet size.</summary>
internal sealed class ScaleRun
{
    public int Technicians { get; init; }
    public int TechniciansRegistered { get; set; }
    public long SeedRecords { get; set; }
    public long SeedTransactions { get; set; }
    public long SeedEntities { get; set; }
    public double SeedSeconds { get; set; }
    public double SetupSeconds { get; set; }
    public double MeasureSeconds { get; set; }
    public double TotalSeconds { get; set; }
    public long SharedScopeRows { get; set; }
    public Cost SharedScopeBuild { get; set; } = Cost.None;
    public int ScopesBuilt { get; set; }

    public Cost WholeScopeEvaluation { get; set; } = Cost.None;
    public long TechnicianRows { get; set; }
    public Cost FirstSync { get; set; } = Cost.None;
    public long FirstSyncRecords { get; set; }
    public int FirstSyncPulls { get; set; }
    public Cost FirstSyncUnbuilt { get; set; } = Cost.None;
    public long FirstSyncUnbuiltRecords { get; set; }
    public Cost IdlePull { get; set; } = Cost.None;
    public Cost DispatcherEdit { get; set; } = Cost.None;
    public Cost NewBooking { get; set; } = Cost.None;
    public Cost Reassignment { get; set; } = Cost.None;
    public Cost Push { get; set; } = Cost.None;
    public int PushChanges { get; set; }
    public Cost ProfileAssignment { get; set; } = Cost.None;
    public Cost ProfileChange { get; set; } = Cost.None;
    public int ProfileSample { get; set; }
    public Cost Midnight { get; set; } = Cost.None;
    public int MidnightScopesEvaluated { get; set; }
    public int MidnightScopesWithChanges { get; set; }
    public int MidnightScopesEvaluatedWithoutChanges { get; set; }
    public int MidnightScopesWithChangesNotEvaluated { get; set; }
    public long MidnightBookingsCrossed { get; set; }
    public long MidnightMessages { get; set; }

    /// <summary>Steps that did not finish within the step budget (their figures are what was counted until then).</summary>
    public List<string> Incomplete { get; } = [];

    /// <summary>Messages whose function threw (retried as the host would), by step.</summary>
    public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

    public double PushPerChange => PushChanges == 0 ? double.NaN : (double)Push.Transactions / PushChanges;
    public double MidnightPerTechnician => (double)Midnight.Transactions / Technicians;
    public double ProfileChangePerTechnician => ProfileSample == 0 ? double.NaN : (double)ProfileChange.Transactions / ProfileSample;
    public double ProfileAssignmentPerTechnician => ProfileSample == 0 ? double.NaN : (double)ProfileAssignment.Transactions / ProfileSample;
    public double EntitiesPerRow => TechnicianRows == 0 ? double.NaN : (double)WholeScopeEvaluation.EntitiesRead / TechnicianRows;

    /// <summary>The sync paths whose non-key queries count (every measured operation).</summary>
    public IEnumerable<(string Path, Cost Cost)> Paths =>
    [
        ("whole_scope_evaluation", WholeScopeEvaluation), ("first_sync", FirstSync), ("first_sync_unbuilt", FirstSyncUnbuilt), ("idle_pull", IdlePull),
        ("dispatcher_edit", DispatcherEdit), ("new_booking", NewBooking), ("reassignment", Reassignment), ("push", Push),
        ("profile_change", ProfileChange), ("midnight", Midnight),
    ];

    public long NonKeyQueries => Paths.Sum(p => p.Cost.NonKeyQueries);

    /// <summary>The figures that must not grow with the fleet (name, value), in table order.</summary>
    public IReadOnlyList<(string Name, double Value)> PerTechnician =>
    [
        ("whole_scope_evaluation_transactions", WholeScopeEvaluation.Transactions),
        ("entities_read_per_whole_scope_evaluation", WholeScopeEvaluation.EntitiesRead),
        ("first_sync_transactions", FirstSync.Transactions),
        ("first_sync_unbuilt_transactions", FirstSyncUnbuilt.Transactions),
        ("idle_pull_transactions", IdlePull.Transactions),
        ("dispatcher_edit_transactions", DispatcherEdit.Transactions),
        ("new_booking_transactions", NewBooking.Transactions),
        ("reassignment_transactions", Reassignment.Transactions),
        ("push_transactions_per_change", PushPerChange),
        ("midnight_transactions_per_technician", MidnightPerTechnician),
        ("profile_change_transactions_per_technician", ProfileChangePerTechnician),
        ("first_sync_entities_read", FirstSync.EntitiesRead),
        ("first_sync_unbuilt_entities_read", FirstSyncUnbuilt.EntitiesRead),
        ("idle_pull_entities_read", IdlePull.EntitiesRead),
        ("dispatcher_edit_entities_read", DispatcherEdit.EntitiesRead),
        ("new_booking_entities_read", NewBooking.EntitiesRead),
        ("reassignment_entities_read", Reassignment.EntitiesRead),
        ("push_entities_read_per_change", PushChanges == 0 ? double.NaN : (double)Push.EntitiesRead / PushChanges),
        ("midnight_entities_read_per_technician", (double)Midnight.EntitiesRead / Technicians),
        ("profile_change_entities_read_per_technician", ProfileSample == 0 ? double.NaN : (double)ProfileChange.EntitiesRead / ProfileSample),
    ];
}

/// <summary>The scale benchmark's runs, the table and PASS/FAIL lines, and the JSON (<c>scale</c>: one object per fleet size).</summary>
internal sealed class ScaleResults
{
    public const double GrowthTarget = 1.1;
    public const double EntitiesPerRowTarget = 2.5;

    public DateTimeOffset StartedOn { get; init; }
    public string? Commit { get; set; }
    public double TotalSeconds { get; set; }
    public bool IndexedAzurite { get; init; }
    public int Products { get; init; }
    public List<ScaleRun> Runs { get; } = [];

    public sealed record Target(string Name, bool Pass, string Detail);

    public IReadOnlyList<Target> Targets()
    {
        var targets = new List<Target>();
        if (Runs.Count == 0)
        {
            return targets;
        }
        var small = Runs.MinBy(r => r.Technicians)!;
        var large = Runs.MaxBy(r => r.Technicians)!;
        for (var i = 0; i < small.PerTechnician.Count; i++)
        {
            var (name, a) = small.PerTechnician[i];
            var b = large.PerTechnician[i].Value;
            var ratio = a == 0 ? (b == 0 ? 1 : double.PositiveInfinity) : b / a;
            targets.Add(new Target($"{name} at N={large.Technicians} within {GrowthTarget}x of N={small.Technicians}",
                !double.IsNaN(ratio) && ratio <= GrowthTarget, F($"{a:0.##} -> {b:0.##} ({ratio:0.00}x)")));
        }
        foreach (var run in Runs)
        {
            var offending = run.Paths.Where(p => p.Cost.NonKeyQueries > 0).ToList();
            targets.Add(new Target(F($"nonkey_queries = 0 on every path at N={run.Technicians}"), offending.Count == 0,
                offending.Count == 0 ? "0" : string.Join(" | ", offending.Select(p => F($"{p.Path} {p.Cost.NonKeyQueries}: {p.Cost.NonKeySummary}")))));
        }
        foreach (var run in Runs)
        {
            targets.Add(new Target(F($"entities read per whole-scope evaluation <= {EntitiesPerRowTarget}x technician rows at N={run.Technicians}"),
                run.EntitiesPerRow <= EntitiesPerRowTarget, F($"{run.WholeScopeEvaluation.EntitiesRead} / {run.TechnicianRows} rows = {run.EntitiesPerRow:0.00}x")));
        }
        foreach (var run in Runs)
        {
            var complete = !run.Incomplete.Contains("midnight");
            targets.Add(new Target(F($"midnight evaluates only scopes holding a row that crossed at N={run.Technicians}"),
                complete && run.MidnightScopesEvaluatedWithoutChanges == 0 && run.MidnightScopesWithChangesNotEvaluated == 0,
                F($"{run.MidnightScopesEvaluated} evaluated, {run.MidnightScopesWithChanges} with changes ({run.MidnightScopesEvaluatedWithoutChanges} evaluated without, {run.MidnightScopesWithChangesNotEvaluated} missed)")
                + (complete ? "" : F($"; did not finish: {run.MidnightMessages} messages handled in the step budget"))));
        }
        foreach (var run in Runs.Where(r => r.Incomplete.Count > 0))
        {
            targets.Add(new Target(F($"every step finished within the step budget at N={run.Technicians}"), false, string.Join(", ", run.Incomplete)));
        }
        return targets;
    }

    public void PrintTable(TextWriter w)
    {
        var header = Runs.Select(r => F($"N={r.Technicians}")).ToList();
        var rows = new List<(string Name, Func<ScaleRun, string> Value)>
        {
            ("technician_rows", r => F($"{r.TechnicianRows}")),
            ("whole_scope_evaluation_transactions", r => F($"{r.WholeScopeEvaluation.Transactions}")),
            ("entities_read_per_whole_scope_evaluation", r => F($"{r.WholeScopeEvaluation.EntitiesRead} ({r.EntitiesPerRow:0.00}x)")),
            ("first_sync_transactions (scope built)", r => F($"{r.FirstSync.Transactions} ({r.FirstSyncRecords} rec)")),
            ("first_sync_unbuilt_transactions (incl. build)", r => F($"{r.FirstSyncUnbuilt.Transactions}")),
            ("idle_pull_transactions", r => F($"{r.IdlePull.Transactions}")),
            ("dispatcher_edit_transactions", r => F($"{r.DispatcherEdit.Transactions}")),
            ("new_booking_transactions", r => F($"{r.NewBooking.Transactions}")),
            ("reassignment_transactions", r => F($"{r.Reassignment.Transactions}")),
            ("push_transactions_per_change", r => F($"{r.PushPerChange:0.00}")),
            ("midnight_fleet_transactions", r => F($"{r.Midnight.Transactions}")),
            ("midnight_transactions_per_technician", r => F($"{r.MidnightPerTechnician:0.00}")),
            ("midnight_scopes_evaluated / with_changes", r => F($"{r.MidnightScopesEvaluated} / {r.MidnightScopesWithChanges}")),
            ("scopes registered / built before midnight", r => F($"{r.TechniciansRegistered} / {r.ScopesBuilt}")),
            ("profile_change_transactions_per_technician", r => F($"{r.ProfileChangePerTechnician:0.0}")),
            ("nonkey_queries (all paths)", r => F($"{r.NonKeyQueries}")),
            ("entities read: first sync (built / not built)", r => F($"{r.FirstSync.EntitiesRead} / {r.FirstSyncUnbuilt.EntitiesRead}")),
            ("entities read: idle pull", r => F($"{r.IdlePull.EntitiesRead}")),
            ("entities read: dispatcher edit", r => F($"{r.DispatcherEdit.EntitiesRead}")),
            ("entities read: new booking", r => F($"{r.NewBooking.EntitiesRead}")),
            ("entities read: reassignment", r => F($"{r.Reassignment.EntitiesRead}")),
            ("entities read: push per change", r => F($"{(double)r.Push.EntitiesRead / Math.Max(1, r.PushChanges):0.00}")),
            ("entities read: midnight per technician", r => F($"{(double)r.Midnight.EntitiesRead / r.Technicians:0.0}")),
            ("entities read: profile change per technician", r => F($"{(double)r.ProfileChange.EntitiesRead / Math.Max(1, r.ProfileSample):0.0}")),
            ("seed records / seconds", r => F($"{r.SeedRecords:N0} / {r.SeedSeconds:0}")),
            ("run seconds (setup + measured)", r => F($"{r.TotalSeconds:0} ({r.SetupSeconds:0} + {r.MeasureSeconds:0})")),
        };
        var nameWidth = rows.Max(r => r.Name.Length) + 2;
        var widths = Runs.Select(r => Math.Max(12, rows.Max(row => row.Value(r).Length) + 2)).ToList();
        w.WriteLine("Scale benchmark: storage transactions per operation by fleet size");
        w.WriteLine("figure".PadRight(nameWidth) + string.Concat(header.Select((h, i) => h.PadLeft(widths[i]))));
        foreach (var (name, value) in rows)
        {
            w.WriteLine(name.PadRight(nameWidth) + string.Concat(Runs.Select((r, i) => value(r).PadLeft(widths[i]))));
        }
        w.WriteLine();
        foreach (var run in Runs)
        {
            foreach (var (path, cost) in run.Paths.Where(p => p.Cost.NonKeyQueries > 0))
            {
                w.WriteLine(F($"N={run.Technicians} {path}: {cost.NonKeyQueries} non-key queries:"));
                foreach (var (filter, count) in cost.NonKeyFilters.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WriteLine(F($"    {count,5} x {filter}   e.g. {cost.NonKeyExamples.GetValueOrDefault(filter, "?")}"));
                }
            }
        }
        foreach (var run in Runs.Where(r => r.Failures.Count > 0))
        {
            w.WriteLine(F($"N={run.Technicians}: queue functions threw and were retried: {string.Join(", ", run.Failures.Select(kv => F($"{kv.Key} {kv.Value}")))}"));
        }
        w.WriteLine();
        foreach (var target in Targets())
        {
            w.WriteLine($"{(target.Pass ? "PASS" : "FAIL")}  {target.Name}: {target.Detail}");
        }
    }

    public async Task WriteJsonAsync(FileInfo file, CancellationToken cancellationToken)
    {
        file.Directory?.Create();
        await using var stream = file.Create();
        await using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("benchmark", "scale");
        w.WriteString("started_on", StartedOn);
        w.WriteString("commit", Commit);
        w.WriteNumber("cores", Environment.ProcessorCount);
        w.WriteBoolean("azurite_indexed", IndexedAzurite);
        w.WriteNumber("products", Products);
        w.WriteNumber("total_seconds", Math.Round(TotalSeconds, 1));
        w.WriteStartArray("scale");
        foreach (var r in Runs)
        {
            w.WriteStartObject();
            w.WriteNumber("technicians", r.Technicians);
            w.WriteNumber("whole_scope_evaluation_transactions", r.WholeScopeEvaluation.Transactions);
            w.WriteNumber("first_sync_transactions", r.FirstSync.Transactions);
            w.WriteNumber("idle_pull_transactions", r.IdlePull.Transactions);
            w.WriteNumber("dispatcher_edit_transactions", r.DispatcherEdit.Transactions);
            w.WriteNumber("new_booking_transactions", r.NewBooking.Transactions);
            w.WriteNumber("reassignment_transactions", r.Reassignment.Transactions);
            Number(w, "push_transactions_per_change", r.PushPerChange);
            Number(w, "midnight_transactions_per_technician", r.MidnightPerTechnician);
            Number(w, "profile_change_transactions_per_technician", r.ProfileChangePerTechnician);
            w.WriteNumber("entities_read_per_whole_scope_evaluation", r.WholeScopeEvaluation.EntitiesRead);
            w.WriteNumber("nonkey_queries", r.NonKeyQueries);
            w.WriteNumber("technician_rows", r.TechnicianRows);
            w.WriteNumber("midnight_fleet_transactions", r.Midnight.Transactions);
            w.WriteNumber("midnight_scopes_evaluated", r.MidnightScopesEvaluated);
            w.WriteNumber("midnight_scopes_with_changes", r.MidnightScopesWithChanges);

            w.WriteNumber("midnight_scopes_evaluated_without_changes", r.MidnightScopesEvaluatedWithoutChanges);
            w.WriteNumber("midnight_scopes_with_changes_not_evaluated", r.MidnightScopesWithChangesNotEvaluated);
            w.WriteNumber("midnight_bookings_crossed", r.MidnightBookingsCrossed);
            w.WriteNumber("midnight_messages", r.MidnightMessages);
            w.WriteNumber("technicians_registered", r.TechniciansRegistered);
            w.WriteNumber("scopes_built_before_midnight", r.ScopesBuilt);
            Number(w, "midnight_transactions_per_scope_evaluated", r.MidnightScopesEvaluated == 0 ? double.NaN : (double)r.Midnight.Transactions / r.MidnightScopesEvaluated);
            foreach (var (name, value) in r.PerTechnician.Where(f => f.Name.Contains("entities_read", StringComparison.Ordinal) && f.Name != "entities_read_per_whole_scope_evaluation"))
            {
                Number(w, name, value);
            }
            Number(w, "entities_read_per_technician_row", r.EntitiesPerRow);
            w.WriteNumber("first_sync_records", r.FirstSyncRecords);
            w.WriteNumber("first_sync_pulls", r.FirstSyncPulls);
            w.WriteNumber("first_sync_unbuilt_transactions", r.FirstSyncUnbuilt.Transactions);
            w.WriteNumber("first_sync_unbuilt_records", r.FirstSyncUnbuiltRecords);
            w.WriteNumber("push_changes", r.PushChanges);
            w.WriteNumber("profile_change_sample", r.ProfileSample);
            Number(w, "profile_assignment_transactions_per_technician", r.ProfileAssignmentPerTechnician);
            w.WriteNumber("shared_scope_rows", r.SharedScopeRows);
            w.WriteNumber("shared_scope_build_transactions", r.SharedScopeBuild.Transactions);
            w.WriteNumber("seed_records", r.SeedRecords);
            w.WriteNumber("seed_transactions", r.SeedTransactions);
            w.WriteNumber("seed_entities", r.SeedEntities);
            w.WriteNumber("seed_seconds", Math.Round(r.SeedSeconds, 1));
            w.WriteNumber("setup_seconds", Math.Round(r.SetupSeconds, 1));
            w.WriteNumber("measure_seconds", Math.Round(r.MeasureSeconds, 1));
            w.WriteNumber("total_seconds", Math.Round(r.TotalSeconds, 1));
            w.WriteStartArray("incomplete_steps");
            r.Incomplete.ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteStartObject("handler_failures");
            foreach (var (step, n) in r.Failures.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(step, n);
            }
            w.WriteEndObject();
            w.WriteStartObject("paths");
            foreach (var (path, cost) in r.Paths.Append(("shared_scope_build", r.SharedScopeBuild)).Append(("profile_assignment", r.ProfileAssignment)))
            {
                w.WriteStartObject(path);
                w.WriteNumber("transactions", cost.Transactions);
                w.WriteNumber("entities_read", cost.EntitiesRead);
                w.WriteNumber("nonkey_queries", cost.NonKeyQueries);
                w.WriteNumber("seconds", Math.Round(cost.Seconds, 3));
                w.WriteStartArray("nonkey_filters");
                foreach (var (filter, n) in cost.NonKeyFilters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WriteStartObject();
                    w.WriteString("filter", filter);
                    w.WriteNumber("count", n);
                    w.WriteString("example", cost.NonKeyExamples.GetValueOrDefault(filter));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartObject("by_operation");
                foreach (var (operation, n) in cost.ByOperation.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    w.WriteNumber(operation, n);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("targets");
        foreach (var target in Targets())
        {
            w.WriteStartObject();
            w.WriteString("target", target.Name);
            w.WriteBoolean("pass", target.Pass);
            w.WriteString("detail", target.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, Math.Round(value, 3));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
