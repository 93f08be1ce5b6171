using System.Globalization;
using System.Text.Json;

namespace FieldSync.Benchmarks;

/// <summary>The figures of one run, printed as a table and written as one JSON object (snake_case keys).</summary>
internal sealed class BenchmarkResults
{
    public const double IdleTransactionsTarget = 3;
    public const double TransactionsPer1000Target = 5;
    public const double TimeRatioTarget = 2.0;
    public const double PushTransactionsTarget = 8;

    public required BenchmarkSettings Settings { get; init; }
    public DateTimeOffset StartedOn { get; init; }
    /// <summary>The repository's commit and whether the work tree had changes, when git can tell.</summary>
    public string? Commit { get; set; }
    public double TotalSeconds { get; set; }

    public int SeedRecords { get; set; }
    public double SeedSeconds { get; set; }
    public long SeedTransactions { get; set; }
    public long FanOutTransactions { get; set; }
    public double FanOutSeconds { get; set; }

    public int SharedScopeOps { get; set; }
    public long SharedScopeBuildTransactions { get; set; }
    public double SharedScopeBuildSeconds { get; set; }
    public IReadOnlyDictionary<string, long> SharedScopeBuildByOperation { get; set; } = new Dictionary<string, long>();
    public double UserScopeBuildTransactions { get; set; }
    public double UserScopeBuildSeconds { get; set; }
    public IReadOnlyDictionary<string, double> UserScopeBuildByOperation { get; set; } = new Dictionary<string, double>();

    public long InitialSyncRecords { get; set; }
    public long ExpectedInitialSyncRecords { get; set; }
    public long InitialSyncTransactions { get; set; }
    public int InitialSyncPulls { get; set; }
    public IReadOnlyList<double> InitialSyncInProcessSeconds { get; set; } = [];
    public IReadOnlyDictionary<string, long> InitialSyncByOperation { get; set; } = new Dictionary<string, long>();

    public double PullIdleTransactions { get; set; }
    public long PullIdleTransactionsMin { get; set; }
    public long PullIdleTransactionsMax { get; set; }
    public int PullIdleCount { get; set; }
    public double PullIdleTablesDue { get; set; }
    public IReadOnlyDictionary<string, double> PullIdleByOperation { get; set; } = new Dictionary<string, double>();

    public long HttpSyncRecords { get; set; }
    public int HttpSyncPulls { get; set; }
    public IReadOnlyList<double> HttpSyncSeconds { get; set; } = [];
    public IReadOnlyList<double> RawScanSeconds { get; set; } = [];
    public long RawScanEntities { get; set; }
    public IReadOnlyList<double> RawOpLogScanSeconds { get; set; } = [];
    public long RawOpLogScanEntities { get; set; }
    public long HttpSyncWireBytes { get; set; }
    public long HttpSyncJsonBytes { get; set; }
    public long PullIdleWireBytes { get; set; }
    public long PullIdleJsonBytes { get; set; }

    /// <summary>A damaged device's verify + fetch repair against its first sync (<see cref="FullDeltaBenchmark"/>).</summary>
    public FullDeltaCost? FullDelta { get; set; }

    public string PushTechnician { get; set; } = "";
    public int PushSeedRecords { get; set; }
    public long PushFirstSyncRecords { get; set; }
    public double PushSetupSeconds { get; set; }
    public int PushBatchesMeasured { get; set; }
    public int PushChangesPerRound { get; set; }
    /// <summary>The measured rounds: every change the technician's first over a version a dispatcher wrote.</summary>
    public PushCost? PushCost { get; set; }
    /// <summary>The re-update round: every change over the tablet's own previous change of the record.</summary>
    public PushCost? PushReupdateCost { get; set; }
    /// <summary>Wall time of <c>ApplyDeviceAsync</c> per measured round (<see cref="PushChangesPerRound"/> changes each).</summary>
    public IReadOnlyList<double> PushApplySeconds { get; set; } = [];
    /// <summary>Time of as many sequential raw upserts, after each measured round.</summary>
    public IReadOnlyList<double> RawUpsertSeconds { get; set; } = [];
    /// <summary>The dispatcher's records API updates of the measured rounds, each with its own fan-out and evaluation.</summary>
    public CostMeter? ApiUpdateCost { get; set; }
    public long ApiUpdates { get; set; }
    public double ApiUpdateTransactionsPerWrite => ApiUpdates == 0 || ApiUpdateCost is null ? 0 : (double)ApiUpdateCost.Total / ApiUpdates;

    private PushCost Push => PushCost ?? throw new InvalidOperationException("The push benchmark did not run.");
    public long PushChangesApplied => Push.Changes;
    public double PushAcceptPerChange => Push.PerChange(Push.Accept.Total);
    public double PushApplyPerChange => Push.PerChange(Push.Apply.Total);
    public double PushFanOutPerChange => Push.PerChange(Push.FanOut);
    public double PushTransactionsPerChange => Push.PerChange(Push.Total);
    public double PushApplyChangesPerSecond => PushChangesPerRound / Median(PushApplySeconds);
    public double RawUpsertsPerSecond => PushChangesPerRound / Median(RawUpsertSeconds);
    public double PushApplyRatio => PushApplyChangesPerSecond / RawUpsertsPerSecond;

    public double InitialSyncTransactionsPer1000 => InitialSyncRecords == 0 ? 0 : InitialSyncTransactions / (InitialSyncRecords / 1000.0);
    public double HttpSyncMedianSeconds => Median(HttpSyncSeconds);
    public double RawScanMedianSeconds => Median(RawScanSeconds);
    public double InProcessMedianSeconds => Median(InitialSyncInProcessSeconds);
    public double RawOpLogScanMedianSeconds => Median(RawOpLogScanSeconds);
    public double TimeRatio => HttpSyncMedianSeconds / RawScanMedianSeconds;
    public double RecordsPerSecond => HttpSyncRecords / HttpSyncMedianSeconds;
    public double RawEntitiesPerSecond => RawScanEntities / RawScanMedianSeconds;
    public double WireBytesPerRecord => (double)HttpSyncWireBytes / HttpSyncRecords;
    public double JsonBytesPerRecord => (double)HttpSyncJsonBytes / HttpSyncRecords;
    public double ScopeBuildTransactionsPer1000 => SharedScopeOps == 0 ? 0 : SharedScopeBuildTransactions / (SharedScopeOps / 1000.0);

    public void PrintTable(TextWriter output)
    {
        var s = Settings;
        output.WriteLine(Invariant($"FieldSync sync benchmark, {StartedOn:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores{(s.Quick ? ", --quick" : "")}: {s.Products:N0} products, {s.Technicians} technicians, {SeedRecords:N0} records, total {TotalSeconds:0} s, commit {Commit ?? "unknown"}"));
        output.WriteLine();
        var rows = new List<(string Figure, string Value, string Target, string Verdict)>
        {
            ("pull_idle_transactions", Invariant($"{PullIdleTransactions:0.00} (min {PullIdleTransactionsMin}, max {PullIdleTransactionsMax}, {PullIdleCount} pulls, {PullIdleTablesDue:0.0} tables due)"),
                Invariant($"<= {IdleTransactionsTarget}"), Verdict(PullIdleTransactions <= IdleTransactionsTarget)),
            ("initial_sync_records", Invariant($"{InitialSyncRecords:N0}{(InitialSyncRecords == ExpectedInitialSyncRecords ? "" : $" (expected {ExpectedInitialSyncRecords:N0}!)")}"), "", ""),
            ("initial_sync_transactions", Invariant($"{InitialSyncTransactions:N0} in {InitialSyncPulls} pulls of {s.PageSize}"), "", ""),
            ("initial_sync_transactions_per_1000_records", Invariant($"{InitialSyncTransactionsPer1000:0.00}"),
                Invariant($"<= {TransactionsPer1000Target}"), Verdict(InitialSyncTransactionsPer1000 <= TransactionsPer1000Target)),
            ("initial_sync_time_ratio_vs_raw_scan", Invariant($"{TimeRatio:0.00} ({HttpSyncMedianSeconds:0.000} s / {RawScanMedianSeconds:0.000} s, medians of {HttpSyncSeconds.Count})"),
                Invariant($"<= {TimeRatioTarget:0.0}"), Verdict(TimeRatio <= TimeRatioTarget)),
            ("  of which the pull in-process", Invariant($"{InProcessMedianSeconds:0.000} s (no HTTP: storage reads and bookkeeping; {InProcessMedianSeconds / RawScanMedianSeconds:0.00}x the raw scan)"), "", ""),
            ("  raw scan of the shared op log", Invariant($"{RawOpLogScanMedianSeconds:0.000} s ({RawOpLogScanEntities:N0} op entities; {RawOpLogScanMedianSeconds / RawScanMedianSeconds:0.00}x the raw scan)"), "", ""),
            ("initial_sync_records_per_second", Invariant($"{RecordsPerSecond:N0} (HTTP, gzip, {HttpSyncRecords:N0} records in {HttpSyncPulls} pulls)"), "", ""),
            ("raw_scan_entities_per_second", Invariant($"{RawEntitiesPerSecond:N0} ({RawScanEntities:N0} entities)"), "", ""),
            ("initial_sync_wire_bytes_per_record", Invariant($"{WireBytesPerRecord:0.0} gzip ({JsonBytesPerRecord:0.0} as JSON)"), "", ""),
            ("pull_idle_wire_bytes", Invariant($"{PullIdleWireBytes:N0} gzip ({PullIdleJsonBytes:N0} as JSON)"), "", ""),
            ("full_delta_sync_repair_vs_first_sync", FullDelta is { } fd ? Repair(fd, fd.Spread) : "not run",
                Invariant($"both < {FullDeltaCost.RatioTarget:0.0}"), FullDelta is null ? "" : Verdict(FullDelta.Passes)),
            ("  full delta sync: few rows damaged", FullDelta is { } ff ? Repair(ff, ff.Few) : "", "", ""),
            ("  full delta sync: spread, no held-rows filters", FullDelta is { } fu ? Repair(fu, fu.Unfiltered) : "", "", ""),
            ("  full delta sync: verify, all matched", FullDelta is { } fm
                ? Invariant($"{fm.MatchedTransactions} transactions in {fm.MatchedVerifies} verify; first sync of {fm.Rows:N0} rows: {fm.FirstSyncTransactions} transactions, {fm.FirstSyncWireBytes:N0} bytes, {fm.FirstSyncRequests} pulls")
                : "", "", ""),
            ("scope_build_transactions", Invariant($"{SharedScopeBuildTransactions:N0} (shared scope, {SharedScopeOps:N0} records, {ScopeBuildTransactionsPer1000:0.0} per 1000, {SharedScopeBuildSeconds:0.0} s)"), "", ""),
            ("user_scope_build_transactions", Invariant($"{UserScopeBuildTransactions:0.0} (mean of {s.Technicians}, {UserScopeBuildSeconds:0.00} s each)"), "", ""),
            ("push_transactions_per_change", Invariant($"{PushTransactionsPerChange:0.00} ({PushChangesApplied:N0} updates in {PushBatchesMeasured} batches of {s.PushBatchSize}, same bucket, each over a dispatcher's version)"),
                Invariant($"<= {PushTransactionsTarget}"), Verdict(PushTransactionsPerChange <= PushTransactionsTarget)),
            ("  push_accept_transactions_per_change", Invariant($"{PushAcceptPerChange:0.00} (PushService.PushAsync)"), "", ""),
            ("  push_apply_transactions_per_change", Invariant($"{PushApplyPerChange:0.00} (push trigger: receive, ApplyDeviceAsync, delete)"), "", ""),
            ("  push_fanout_transactions_per_change", Invariant($"{PushFanOutPerChange:0.00} (record-change trigger {Push.PerChange(Push.RecordChange.Total):0.00} for {Push.PerChange(Push.RecordChangeMessages):0.00} messages, scope-evaluation trigger {Push.PerChange(Push.ScopeEvaluation.Total):0.00} for {Push.PerChange(Push.ScopeEvaluationMessages):0.00})"), "", ""),
            ("  re-updates (over the tablet's own change)", PushReupdateCost is { Changes: > 0 } r
                ? Invariant($"{r.PerChange(r.Total):0.00} per change (accept {r.PerChange(r.Accept.Total):0.00}, apply {r.PerChange(r.Apply.Total):0.00}, fan-out {r.PerChange(r.FanOut):0.00}; {r.Changes:N0} changes)") : "", "", ""),
            ("api_update_transactions_per_write", Invariant($"{ApiUpdateTransactionsPerWrite:0.00} ({ApiUpdates:N0} records API updates of the same work orders, each with its own fan-out and scope evaluation)"), "", ""),
            ("push_apply_changes_per_second_ratio_vs_raw_upsert", Invariant($"{PushApplyRatio:0.000} ({PushApplyChangesPerSecond:N0} / {RawUpsertsPerSecond:N0} per s, medians of {PushApplySeconds.Count})"), "", ""),
            ("seed", Invariant($"{SeedRecords:N0} writes in {SeedSeconds:0.0} s, {(double)SeedTransactions / SeedRecords:0.00} transactions each (no record-change message); marker cleanup {(double)FanOutTransactions / SeedRecords:0.00} each in {FanOutSeconds:0.0} s"), "", ""),
        };
        var w1 = rows.Max(r => r.Figure.Length);
        var w2 = rows.Max(r => r.Value.Length);
        var w3 = Math.Max("target".Length, rows.Max(r => r.Target.Length));
        output.WriteLine($"{"figure".PadRight(w1)}  {"value".PadRight(w2)}  {"target".PadRight(w3)}  result");
        output.WriteLine($"{new string('-', w1)}  {new string('-', w2)}  {new string('-', w3)}  ------");
        foreach (var (figure, value, target, verdict) in rows)
        {
            output.WriteLine($"{figure.PadRight(w1)}  {value.PadRight(w2)}  {target.PadRight(w3)}  {verdict}".TrimEnd());
        }
        output.WriteLine();
        PrintTop(output, "Idle pull, transactions per pull by operation", PullIdleByOperation);
        PrintTop(output, "First sync, transactions by operation", InitialSyncByOperation.ToDictionary(kv => kv.Key, kv => (double)kv.Value));
        PrintTop(output, "Shared scope build, transactions by operation", SharedScopeBuildByOperation.ToDictionary(kv => kv.Key, kv => (double)kv.Value));
        PrintTop(output, "Technician scope build, transactions per scope by operation", UserScopeBuildByOperation);
        PrintTop(output, "Push, transactions per applied change by operation (accept + apply + fan-out)", PerChange(Push.TotalByOperation), 12);
        PrintTop(output, "Push accept (PushAsync), per change", PerChange(Push.Accept.ByOperation), 10);
        PrintTop(output, "Push apply (push trigger), per change", PerChange(Push.Apply.ByOperation), 10);
        PrintTop(output, "Push fan-out, record-change trigger, per change", PerChange(Push.RecordChange.ByOperation), 10);
        PrintTop(output, "Push fan-out, scope-evaluation trigger, per change", PerChange(Push.ScopeEvaluation.ByOperation), 10);
        if (ApiUpdateCost is not null && ApiUpdates > 0)
        {
            PrintTop(output, "Records API update with its fan-out, per write", ApiUpdateCost.ByOperation.ToDictionary(kv => kv.Key, kv => (double)kv.Value / ApiUpdates), 12);
        }
    }

    public async Task WriteJsonAsync(FileInfo file, CancellationToken cancellationToken)
    {
        file.Directory?.Create();
        await using var stream = file.Create();
        await using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("date", StartedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("started_on", StartedOn);
        w.WriteString("commit", Commit);
        w.WriteNumber("cores", Environment.ProcessorCount);
        w.WriteBoolean("quick", Settings.Quick);
        w.WriteNumber("products", Settings.Products);
        w.WriteNumber("technicians", Settings.Technicians);
        w.WriteNumber("seed_records", SeedRecords);
        w.WriteNumber("total_seconds", Math.Round(TotalSeconds, 1));

        w.WriteNumber("pull_idle_transactions", Math.Round(PullIdleTransactions, 3));
        w.WriteNumber("pull_idle_transactions_min", PullIdleTransactionsMin);
        w.WriteNumber("pull_idle_transactions_max", PullIdleTransactionsMax);
        w.WriteNumber("pull_idle_count", PullIdleCount);
        w.WriteNumber("pull_idle_tables_due", Math.Round(PullIdleTablesDue, 2));
        w.WriteNumber("pull_idle_wire_bytes", PullIdleWireBytes);
        w.WriteNumber("pull_idle_json_bytes", PullIdleJsonBytes);

        w.WriteNumber("initial_sync_records", InitialSyncRecords);
        w.WriteNumber("initial_sync_expected_records", ExpectedInitialSyncRecords);
        w.WriteNumber("initial_sync_transactions", InitialSyncTransactions);
        w.WriteNumber("initial_sync_pulls", InitialSyncPulls);
        w.WriteNumber("initial_sync_page_size", Settings.PageSize);
        w.WriteNumber("initial_sync_transactions_per_1000_records", Math.Round(InitialSyncTransactionsPer1000, 3));
        w.WriteNumber("initial_sync_in_process_seconds_median", Math.Round(InProcessMedianSeconds, 4));
        WriteArray(w, "initial_sync_in_process_seconds", InitialSyncInProcessSeconds);

        w.WriteNumber("initial_sync_time_ratio_vs_raw_scan", Math.Round(TimeRatio, 3));
        w.WriteNumber("initial_sync_http_seconds_median", Math.Round(HttpSyncMedianSeconds, 4));
        WriteArray(w, "initial_sync_http_seconds", HttpSyncSeconds);
        w.WriteNumber("initial_sync_http_records", HttpSyncRecords);
        w.WriteNumber("initial_sync_http_pulls", HttpSyncPulls);
        w.WriteNumber("raw_scan_seconds_median", Math.Round(RawScanMedianSeconds, 4));
        WriteArray(w, "raw_scan_seconds", RawScanSeconds);
        w.WriteNumber("raw_scan_entities", RawScanEntities);
        w.WriteNumber("raw_op_log_scan_seconds_median", Math.Round(RawOpLogScanMedianSeconds, 4));
        w.WriteNumber("raw_op_log_scan_entities", RawOpLogScanEntities);
        w.WriteNumber("initial_sync_records_per_second", Math.Round(RecordsPerSecond, 0));
        w.WriteNumber("raw_scan_entities_per_second", Math.Round(RawEntitiesPerSecond, 0));
        w.WriteNumber("initial_sync_wire_bytes_per_record", Math.Round(WireBytesPerRecord, 2));
        w.WriteNumber("initial_sync_json_bytes_per_record", Math.Round(JsonBytesPerRecord, 2));
        w.WriteNumber("initial_sync_wire_bytes", HttpSyncWireBytes);

        w.WriteNumber("scope_build_transactions", SharedScopeBuildTransactions);
        w.WriteNumber("scope_build_records", SharedScopeOps);
        w.WriteNumber("scope_build_seconds", Math.Round(SharedScopeBuildSeconds, 3));
        w.WriteNumber("user_scope_build_transactions", Math.Round(UserScopeBuildTransactions, 2));
        w.WriteNumber("user_scope_build_seconds", Math.Round(UserScopeBuildSeconds, 3));

        w.WriteNumber("push_transactions_per_change", Math.Round(PushTransactionsPerChange, 3));
        w.WriteNumber("push_accept_transactions_per_change", Math.Round(PushAcceptPerChange, 3));
        w.WriteNumber("push_apply_transactions_per_change", Math.Round(PushApplyPerChange, 3));
        w.WriteNumber("push_fanout_transactions_per_change", Math.Round(PushFanOutPerChange, 3));
        w.WriteNumber("push_fanout_record_change_transactions_per_change", Math.Round(Push.PerChange(Push.RecordChange.Total), 3));
        w.WriteNumber("push_fanout_scope_evaluation_transactions_per_change", Math.Round(Push.PerChange(Push.ScopeEvaluation.Total), 3));
        w.WriteNumber("push_changes_applied", PushChangesApplied);
        w.WriteNumber("push_batches", Push.Batches);
        w.WriteNumber("push_batch_size", Settings.PushBatchSize);
        w.WriteNumber("push_transactions", Push.Total);
        w.WriteNumber("push_messages_per_batch", Math.Round((double)Push.PushMessages / Math.Max(1, Push.Batches), 3));
        w.WriteNumber("push_record_change_messages_per_change", Math.Round(Push.PerChange(Push.RecordChangeMessages), 3));
        w.WriteNumber("push_scope_evaluation_messages_per_change", Math.Round(Push.PerChange(Push.ScopeEvaluationMessages), 3));
        if (PushReupdateCost is { Changes: > 0 } reupdate)
        {
            w.WriteNumber("push_reupdate_transactions_per_change", Math.Round(reupdate.PerChange(reupdate.Total), 3));
            w.WriteNumber("push_reupdate_accept_transactions_per_change", Math.Round(reupdate.PerChange(reupdate.Accept.Total), 3));
            w.WriteNumber("push_reupdate_apply_transactions_per_change", Math.Round(reupdate.PerChange(reupdate.Apply.Total), 3));
            w.WriteNumber("push_reupdate_fanout_transactions_per_change", Math.Round(reupdate.PerChange(reupdate.FanOut), 3));
            w.WriteNumber("push_reupdate_changes", reupdate.Changes);
        }
        w.WriteString("push_technician", PushTechnician);
        w.WriteNumber("push_technician_records", PushSeedRecords);
        w.WriteNumber("push_technician_first_sync_records", PushFirstSyncRecords);
        w.WriteNumber("push_setup_seconds", Math.Round(PushSetupSeconds, 1));
        w.WriteNumber("push_apply_changes_per_second_ratio_vs_raw_upsert", Math.Round(PushApplyRatio, 4));
        w.WriteNumber("api_update_transactions_per_write", Math.Round(ApiUpdateTransactionsPerWrite, 3));
        w.WriteNumber("api_updates", ApiUpdates);
        w.WriteNumber("push_apply_changes_per_second", Math.Round(PushApplyChangesPerSecond, 1));
        w.WriteNumber("raw_upserts_per_second", Math.Round(RawUpsertsPerSecond, 1));
        w.WriteNumber("push_changes_per_timed_run", PushChangesPerRound);
        w.WriteNumber("push_apply_seconds_median", Math.Round(Median(PushApplySeconds), 4));
        WriteArray(w, "push_apply_seconds", PushApplySeconds);
        w.WriteNumber("raw_upsert_seconds_median", Math.Round(Median(RawUpsertSeconds), 4));
        WriteArray(w, "raw_upsert_seconds", RawUpsertSeconds);

        w.WriteNumber("seed_seconds", Math.Round(SeedSeconds, 1));
        w.WriteNumber("seed_transactions", SeedTransactions);
        w.WriteNumber("marker_cleanup_transactions", FanOutTransactions);

        if (FullDelta is { } delta)
        {
            w.WriteStartObject("full_delta_sync");
            w.WriteNumber("rows", delta.Rows);
            w.WriteNumber("first_sync_transactions", delta.FirstSyncTransactions);
            w.WriteNumber("first_sync_wire_bytes", delta.FirstSyncWireBytes);
            w.WriteNumber("matched_verify_transactions", delta.MatchedTransactions);
            w.WriteBoolean("pass", delta.Passes);
            w.WriteStartArray("repairs");
            foreach (var run in new[] { delta.Spread, delta.Few, delta.Unfiltered })
            {
                w.WriteStartObject();
                w.WriteString("damage", run.Damage);
                w.WriteNumber("missing", run.Missing);
                w.WriteNumber("extra", run.Extra);
                w.WriteNumber("stale", run.Stale);
                w.WriteNumber("transactions", run.Transactions);
                w.WriteNumber("wire_bytes", run.WireBytes);
                w.WriteNumber("verifies", run.Verifies);
                w.WriteNumber("fetches", run.Fetches);
                w.WriteNumber("sent_whole", run.SentWhole);
                w.WriteNumber("transaction_ratio", Math.Round(delta.TransactionRatio(run), 4));
                w.WriteNumber("wire_bytes_ratio", Math.Round(delta.WireBytesRatio(run), 4));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteStartObject("targets");
        WriteTarget(w, "pull_idle_transactions", IdleTransactionsTarget, PullIdleTransactions);
        WriteTarget(w, "initial_sync_transactions_per_1000_records", TransactionsPer1000Target, InitialSyncTransactionsPer1000);
        WriteTarget(w, "initial_sync_time_ratio_vs_raw_scan", TimeRatioTarget, TimeRatio);
        WriteTarget(w, "push_transactions_per_change", PushTransactionsTarget, PushTransactionsPerChange);
        w.WriteEndObject();

        w.WriteStartObject("by_operation");
        WriteCounts(w, "pull_idle_per_pull", PullIdleByOperation);
        WriteCounts(w, "initial_sync", InitialSyncByOperation.ToDictionary(kv => kv.Key, kv => (double)kv.Value));
        WriteCounts(w, "scope_build", SharedScopeBuildByOperation.ToDictionary(kv => kv.Key, kv => (double)kv.Value));
        WriteCounts(w, "user_scope_build_per_scope", UserScopeBuildByOperation);
        WriteCounts(w, "push_per_change", PerChange(Push.TotalByOperation));
        WriteCounts(w, "push_accept_per_change", PerChange(Push.Accept.ByOperation));
        WriteCounts(w, "push_apply_per_change", PerChange(Push.Apply.ByOperation));
        WriteCounts(w, "push_fanout_per_change", PerChange(Push.FanOutByOperation));
        WriteCounts(w, "push_fanout_record_change_trigger_per_change", PerChange(Push.RecordChange.ByOperation));
        WriteCounts(w, "push_fanout_scope_evaluation_trigger_per_change", PerChange(Push.ScopeEvaluation.ByOperation));
        if (PushReupdateCost is { Changes: > 0 } re)
        {
            WriteCounts(w, "push_reupdate_per_change", PerChange(re.TotalByOperation, re));
        }
        w.WriteEndObject();
        w.WriteEndObject();
        await w.FlushAsync(cancellationToken);
    }

    private static void WriteTarget(Utf8JsonWriter w, string name, double max, double value)
    {
        w.WriteStartObject(name);
        w.WriteNumber("max", max);
        w.WriteNumber("value", Math.Round(value, 3));
        w.WriteBoolean("pass", value <= max);
        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteNumberValue(Math.Round(value, 4));
        }
        w.WriteEndArray();
    }

    private static void WriteCounts(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, double> counts)
    {
        w.WriteStartObject(name);
        foreach (var (operation, count) in counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(operation, Math.Round(count, 3));
        }
        w.WriteEndObject();
    }

    private Dictionary<string, double> PerChange(IReadOnlyDictionary<string, long> counts, PushCost? cost = null)
        => counts.ToDictionary(kv => kv.Key, kv => (cost ?? Push).PerChange(kv.Value), StringComparer.Ordinal);

    private static void PrintTop(TextWriter output, string title, IReadOnlyDictionary<string, double> counts, int top = 6)
    {
        var sum = counts.Values.Sum();
        output.WriteLine(Invariant($"{title} (total {sum:0.##}):"));
        foreach (var (operation, count) in counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(top))
        {
            output.WriteLine(Invariant($"  {count,9:0.##}  {operation}"));
        }
    }

    /// <summary>One repair's line: its ratios to the first sync, then the damage, requests and rows sent whole.</summary>
    private static string Repair(FullDeltaCost cost, RepairRun run)
        => Invariant($"transactions {cost.TransactionRatio(run):0.000} ({run.Transactions:N0} / {cost.FirstSyncTransactions:N0}), bytes {cost.WireBytesRatio(run):0.000} ({run.WireBytes:N0} / {cost.FirstSyncWireBytes:N0}); ")
            + Invariant($"{run.Damage}: {run.Missing} missing, {run.Extra} extra, {run.Stale} stale; {run.Verifies} verifies + {run.Fetches} fetches, {run.SentWhole} rows sent whole");

    private static string Verdict(bool pass) => pass ? "PASS" : "FAIL";

    private static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
