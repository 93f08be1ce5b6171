using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using FieldSync.Functions;
using FieldSync.LocalHost.Azurite;
using FieldSync.LocalHost.Hosting;
using FieldSync.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FieldSync.Benchmarks;

/// <summary>
/// The benchmark, start to end, on one Azurite:
/// <list type="number">
/// <item>seed the world through <see cref="RecordService"/> and run each write's fan-out (no scope exists yet, so it only clears the write's marker);</item>
/// <item>build the profile's shared scope and every technician's scope (counted);</item>
/// <item>in-process, with a fake clock: a warm-up device of one technician syncs, then a fresh device of another
/// technician does a whole first sync (counted), then ten technician devices do idle pulls with the clock moved
/// past the booking interval before each round (counted);</item>
/// <item>over HTTP on the local host: first syncs timed against a raw <c>Azure.Data.Tables</c> scan of as many entities, and a
/// damaged device's full delta sync against its first sync (<see cref="FullDeltaBenchmark"/>);</item>
/// <item>in-process, the host gone: an extra technician's tablet pushes batches of work order updates, counted end to
/// end (accept, apply, fan-out), the apply timed against raw upserts (<see cref="PushBenchmark"/>).</item>
/// </list>
/// Storage transactions are the delta of the <see cref="StorageTransactionCounter"/> that counts every HTTP request
/// the Table and Queue clients send (retries included).
/// </summary>
internal static class SyncBenchmark
{
    private const string BookingTable = "bookableresourcebooking";

    public static async Task<BenchmarkResults> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var results = new BenchmarkResults { Settings = settings, StartedOn = DateTimeOffset.UtcNow };
        var total = Stopwatch.StartNew();
        void Step(string message) => log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{total.Elapsed.TotalSeconds,6:0.0}s] {message}"));

        Step("Starting Azurite (in memory)...");
        await using var azurite = await AzuriteProcess.StartAsync(cancellationToken: cancellationToken);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var key = LocalTokens.NewKey();
        await using var services = BenchmarkApp.Build(azurite.ConnectionString, clock, key);
        var counter = services.GetRequiredService<StorageTransactionCounter>();
        var records = services.GetRequiredService<RecordService>();
        var recordStore = services.GetRequiredService<IRecordStore>();
        var maintainer = services.GetRequiredService<ScopeMaintainer>();
        var feed = services.GetRequiredService<IFeedStore>();
        var profiles = services.GetRequiredService<IProfileStore>();
        var pulls = services.GetRequiredService<PullService>();
        var storage = services.GetRequiredService<StorageOptions>();

        // 1. Seed, then complete the fan-out of every write. No scope is registered yet, so FeedFanOut would find no
        //    scope to queue and only clear the write's crash-safety marker; that is done here directly (2 transactions
        //    a write, without the fan-out's scope lookups), and the writes' record-change messages are not sent (see
        //    SeedNotifier). The scopes are then built once from the records, which is what draining the queues would
        //    converge to.
        var stages = FieldServiceData.Generate(settings, clock.GetUtcNow());
        var rows = stages.SelectMany(s => s).ToList();
        Step(string.Create(CultureInfo.InvariantCulture, $"Seeding {rows.Count:N0} records ({settings.Products:N0} products, {settings.Technicians} technicians) through RecordService, {settings.WriteParallelism} at a time..."));
        counter.Reset();
        var watch = Stopwatch.StartNew();
        using (services.GetRequiredService<SeedNotifier>().Seeding())
        {
            results.SeedRecords = await FieldServiceData.WriteAsync(records, stages, settings.WriteParallelism, cancellationToken);
        }
        results.SeedSeconds = watch.Elapsed.TotalSeconds;
        results.SeedTransactions = counter.Total;
        Step("Completing the writes' fan-out (no scope exists yet: clears their markers)...");
        counter.Reset();
        watch.Restart();
        await FieldServiceData.CompleteFanOutAsync(recordStore, rows, cancellationToken);
        results.FanOutTransactions = counter.Total;
        results.FanOutSeconds = watch.Elapsed.TotalSeconds;

        // 2. Scopes: the profile's shared scope (every product), then each technician's scope, as a first pull builds them.
        var profileId = await profiles.GetAssignmentAsync(FieldServiceData.User(1), cancellationToken);
        var profile = await profiles.GetAsync(profileId, cancellationToken)
            ?? throw new InvalidOperationException($"Profile {profileId} not found.");
        var sharedScope = ScopeIds.Shared(profileId);
        Step($"Building the shared scope {sharedScope}...");
        counter.Reset();
        watch.Restart();
        await feed.RegisterScopeAsync(new ScopeRegistration(sharedScope, profileId, null), cancellationToken);
        results.SharedScopeOps = await maintainer.EvaluateAsync(sharedScope, cancellationToken);
        results.SharedScopeBuildSeconds = watch.Elapsed.TotalSeconds;
        results.SharedScopeBuildTransactions = counter.Total;
        results.SharedScopeBuildByOperation = counter.ByOperation;
        // The other copies devices read (SyncOptions.SharedScopeReplicas): each is built once, by the first device that
        // hashes to it; built here so that the first sync below measures a device of a running fleet.
        var copies = services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SyncOptions>>().CurrentValue.SharedScopeReplicas;
        Step($"Building the other {copies - 1} copies of the shared scope (not counted)...");
        for (var copy = 1; copy < copies; copy++)
        {
            await feed.RegisterScopeAsync(new ScopeRegistration(ScopeIds.SharedCopy(profileId, copy), profileId, null), cancellationToken);
            await maintainer.EvaluateAsync(ScopeIds.SharedCopy(profileId, copy), cancellationToken);
        }
        Step($"Building {settings.Technicians} technician scopes...");
        var userBuilds = new List<long>();
        var userByOperation = new Dictionary<string, long>(StringComparer.Ordinal);
        watch.Restart();
        for (var t = 1; t <= settings.Technicians; t++)
        {
            counter.Reset();
            await maintainer.EnsureScopesAsync(FieldServiceData.User(t), cancellationToken);
            userBuilds.Add(counter.Total);
            Accumulate(userByOperation, counter.ByOperation);
        }
        results.UserScopeBuildSeconds = watch.Elapsed.TotalSeconds / settings.Technicians;
        results.UserScopeBuildTransactions = userBuilds.Average();
        results.UserScopeBuildByOperation = Scale(userByOperation, 1.0 / settings.Technicians);

        // 3a. A warm-up device of another technician syncs first (JIT, connections, the profile cache), then the
        //     measured device: a fresh device of tech02, whose scope already exists, paged to completion.
        Step("Warm-up first sync (tech01)...");
        await new InProcessDevice(pulls, FieldServiceData.User(1), "tech01-warmup").SyncAsync(settings.PageSize, cancellationToken);
        Step($"Measured first sync of a fresh device (tech02, pageSize {settings.PageSize}), in-process...");
        var measured = new InProcessDevice(pulls, FieldServiceData.User(2), "tech02-new-tablet");
        counter.Reset();
        var firstSync = await measured.SyncAsync(settings.PageSize, cancellationToken);
        results.InitialSyncTransactions = counter.Total;
        results.InitialSyncByOperation = counter.ByOperation;
        results.InitialSyncRecords = firstSync.Records;
        results.InitialSyncPulls = firstSync.Pulls;
        results.ExpectedInitialSyncRecords = ExpectedFirstSyncRecords(settings);

        // 3b. Idle pulls: every technician's phone syncs fully, then pulls again and again with nothing new, the
        //     clock moved past the booking interval before each round so the agenda tables are due.
        Step($"First syncs of {settings.Technicians} technician phones...");
        var phones = Enumerable.Range(1, settings.Technicians)
            .Select(t => new InProcessDevice(pulls, FieldServiceData.User(t), FieldServiceData.User(t) + "-phone")).ToList();
        foreach (var phone in phones)
        {
            await phone.SyncAsync(settings.PageSize, cancellationToken);
        }
        var step = profile.Tables[BookingTable].EffectiveSyncInterval + TimeSpan.FromMinutes(1);
        var rounds = Math.Max(1, settings.IdlePulls / settings.Technicians);
        Step(string.Create(CultureInfo.InvariantCulture, $"{rounds * phones.Count} idle pulls ({rounds} rounds, clock +{step.TotalMinutes:0} min before each)..."));
        var idle = new List<long>();
        var due = 0;
        counter.Reset();
        foreach (var _ in Enumerable.Range(0, rounds))
        {
            clock.Advance(step);
            foreach (var phone in phones)
            {
                var before = counter.Total;
                var result = await phone.PullOnceAsync(settings.PageSize, cancellationToken);
                idle.Add(counter.Total - before);
                if (result.HasMore || result.Changes.Count > 0 || result.SyncMode != SyncModes.DeltaSync)
                {
                    throw new InvalidOperationException($"The pull of {phone.DeviceId} was not idle: {result.SyncMode}, {result.Changes.Count} tables changed.");
                }
                due += result.Status.Count(s => s.Synced);
            }
        }
        results.PullIdleTransactions = idle.Average();
        results.PullIdleTransactionsMin = idle.Min();
        results.PullIdleTransactionsMax = idle.Max();
        results.PullIdleCount = idle.Count;
        results.PullIdleTablesDue = (double)due / idle.Count;
        results.PullIdleByOperation = Scale(counter.ByOperation, 1.0 / idle.Count);

        // 4. Over HTTP: first syncs against the local host, timed against a raw scan of as many entities.
        //    The host's clock is frozen at start so its timer triggers (re-evaluation of time-relative filters every
        //    15 minutes, the fan-out sweeper) cannot fire during the timing; the pulls themselves are unaffected.
        // The host lives in this block only: the push measurement after it plays the queue triggers itself.
        {
            Step("Starting the local function host on the same Azurite...");
            var hostClock = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var options = new LocalFunctionHostOptions
            {
                StorageConnectionString = azurite.ConnectionString,
                ConfigureServices = s =>
                {
                    s.AddSingleton<TimeProvider>(hostClock);
                    s.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Warning);
                },
            };
            options.Settings["FieldSync:Auth:Mode"] = "Jwt";
            options.Settings["FieldSync:Auth:SigningKey"] = Convert.ToBase64String(key);
            await using var host = await LocalFunctionHost.StartAsync(options, cancellationToken);
            using var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false };
            using var http = new HttpClient(handler) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            var httpUser = FieldServiceData.User(Math.Min(3, settings.Technicians));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                LocalTokens.Issue(key, httpUser, [Roles.Technician], TimeSpan.FromHours(2), DateTimeOffset.UtcNow));
            http.DefaultRequestHeaders.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            var pullPath = (host.RoutePrefix.Length == 0 ? "" : host.RoutePrefix + "/") + "sync/pull";

            var rawService = new TableServiceClient(azurite.ConnectionString);
            var rawTable = rawService.GetTableClient(storage.TablePrefix + "records");
            var rawFeed = rawService.GetTableClient(storage.TablePrefix + "feed");
            Step($"Warm-up: HTTP first sync ({httpUser}) and raw scan...");
            var warm = await new HttpDevice(http, pullPath, httpUser + "-http-warmup").SyncAsync(settings.PageSize, cancellationToken);
            await RawScan.RunAsync(rawTable, warm.Records, cancellationToken);
            await new InProcessDevice(pulls, httpUser, httpUser + "-local-warmup").SyncAsync(settings.PageSize, cancellationToken);
            await RawScan.OpLogAsync(rawFeed, sharedScope, cancellationToken);
            var syncs = new List<SyncRun>();
            var scans = new List<RawScanRun>();
            var feedScans = new List<RawScanRun>();
            var inProcess = new List<double>();
            HttpDevice? last = null;
            for (var run = 1; run <= settings.TimedRuns; run++)
            {
                Step($"Timed run {run}/{settings.TimedRuns}: HTTP first sync, raw scan (and diagnostics)...");
                last = new HttpDevice(http, pullPath, string.Create(CultureInfo.InvariantCulture, $"{httpUser}-http-{run}"));
                var sync = await last.SyncAsync(settings.PageSize, cancellationToken);
                if (sync.Records != warm.Records || sync.LastSyncMode != SyncModes.FirstSync)
                {
                    throw new InvalidOperationException($"HTTP first sync run {run} delivered {sync.Records} records ({sync.LastSyncMode}); the warm-up delivered {warm.Records}.");
                }
                syncs.Add(sync);
                scans.Add(await RawScan.RunAsync(rawTable, sync.Records, cancellationToken));
                // Diagnostics, to split the HTTP time: the same first sync without HTTP (PullService in-process: storage
                // reads and bookkeeping only), and a raw scan of the shared scope's op log (the entities it reads).
                var local = new InProcessDevice(pulls, httpUser, string.Create(CultureInfo.InvariantCulture, $"{httpUser}-local-{run}"));
                inProcess.Add((await local.SyncAsync(settings.PageSize, cancellationToken)).Elapsed.TotalSeconds);
                feedScans.Add(await RawScan.OpLogAsync(rawFeed, sharedScope, cancellationToken));
            }
            var idleHttp = await last!.PullOnceAsync(settings.PageSize, cancellationToken);
            results.FullDelta = await FullDeltaBenchmark.RunAsync(http, host.RoutePrefix.Length == 0 ? "" : host.RoutePrefix + "/",
                host.Services.GetRequiredService<StorageTransactionCounter>(), httpUser, [.. profile.Tables.Keys], settings.PageSize, Step, cancellationToken);
            results.HttpSyncRecords = warm.Records;
            results.HttpSyncPulls = warm.Pulls;
            results.HttpSyncSeconds = syncs.Select(s => s.Elapsed.TotalSeconds).ToList();
            results.RawScanSeconds = scans.Select(s => s.Elapsed.TotalSeconds).ToList();
            results.RawScanEntities = scans[0].Entities;
            results.InitialSyncInProcessSeconds = inProcess;
            results.RawOpLogScanSeconds = feedScans.Select(s => s.Elapsed.TotalSeconds).ToList();
            results.RawOpLogScanEntities = feedScans[0].Entities;
            results.HttpSyncWireBytes = syncs[^1].WireBytes;
            results.HttpSyncJsonBytes = syncs[^1].JsonBytes;
            results.PullIdleWireBytes = idleHttp.WireBytes;
            results.PullIdleJsonBytes = idleHttp.JsonBytes;
        }

        // 5. Push: a technician's tablet pushes batches of updates; accept, apply and fan-out are counted, the apply
        //    timed against raw upserts. In-process, after the host is gone, so no queue trigger takes the work; last,
        //    so the queue messages it makes (see SeedNotifier) cannot slow the figures above.
        await PushBenchmark.RunAsync(services, azurite.ConnectionString, settings, results, Step, cancellationToken);

        results.Commit = await GitDescription.DescribeAsync(RepoRoot.Find(), cancellationToken);
        results.TotalSeconds = total.Elapsed.TotalSeconds;
        Step("Done.");
        return results;
    }

    /// <summary>What a technician's first sync must deliver with the default profile (a check that the figures are about the right rows).</summary>
    private static long ExpectedFirstSyncRecords(BenchmarkSettings settings)
    {
        var b = settings.BookingsPerTechnician;
        const int reference = 3 + 3; // booking statuses, work order types
        var own = 1 /* resource */ + b /* bookings */ + b /* work orders */ + 2 /* accounts */ + Math.Min(2, b) /* assets */ + 2 * b /* products */ + 2 * b /* tasks */;
        return settings.Products + reference + own;
    }

    private static void Accumulate(Dictionary<string, long> into, IReadOnlyDictionary<string, long> add)
    {
        foreach (var (operation, count) in add)
        {
            into[operation] = into.GetValueOrDefault(operation) + count;
        }
    }

    private static Dictionary<string, double> Scale(IReadOnlyDictionary<string, long> counts, double factor)
        => counts.ToDictionary(kv => kv.Key, kv => kv.Value * factor, StringComparer.Ordinal);
}

/// <summary>One raw scan: how many entities and how long.</summary>
internal sealed record RawScanRun(long Entities, TimeSpan Elapsed);

/// <summary>
/// The floor a first sync is compared with: reading the same number of entities straight from the records table
/// with <c>QueryAsync&lt;TableEntity&gt;</c>, 1,000 a page (the service maximum): the whole "product" partition, then
/// rows of the other partitions until the count matches.
/// </summary>
internal static class RawScan
{
    public static async Task<RawScanRun> RunAsync(TableClient records, long count, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        long entities = 0;
        await foreach (var entity in records.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"product"}"), 1000, cancellationToken: cancellationToken))
        {
            GC.KeepAlive(entity);
            if (++entities == count)
            {
                return new RawScanRun(entities, watch.Elapsed);
            }
        }
        await foreach (var entity in records.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ne {"product"}"), 1000, cancellationToken: cancellationToken))
        {
            GC.KeepAlive(entity);
            if (++entities == count)
            {
                break;
            }
        }
        return new RawScanRun(entities, watch.Elapsed);
    }

    /// <summary>
    /// A diagnostic: the shared scope's op log (the entities a first sync reads, row keys <c>o|table|seq</c> in the
    /// scope's partition of the feed table) scanned the same raw way.
    /// </summary>
    public static async Task<RawScanRun> OpLogAsync(TableClient feed, string scopeId, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        long entities = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scopeId} and RowKey ge {"o|"} and RowKey lt {"o}"}");
        await foreach (var entity in feed.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            GC.KeepAlive(entity);
            entities++;
        }
        return new RawScanRun(entities, watch.Elapsed);
    }
}

/// <summary>The commit the figures belong to: <c>git rev-parse --short HEAD</c>, with "+changes" for a dirty work tree.</summary>
internal static class GitDescription
{
    public static async Task<string?> DescribeAsync(string repoRoot, CancellationToken cancellationToken)
    {
        var head = await GitAsync(repoRoot, cancellationToken, "rev-parse", "--short", "HEAD");
        if (string.IsNullOrWhiteSpace(head))
        {
            return null;
        }
        var status = await GitAsync(repoRoot, cancellationToken, "status", "--porcelain", "--untracked-files=no");
        return head.Trim() + (string.IsNullOrWhiteSpace(status) ? "" : "+changes");
    }

    private static async Task<string?> GitAsync(string directory, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed: the figures just carry no commit
        }
    }
}
