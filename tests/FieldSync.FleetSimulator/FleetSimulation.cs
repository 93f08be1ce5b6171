using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Azure.Storage.Queues;
using FieldSync.Client;
using FieldSync.Core.Sync;
using FieldSync.Core.Security;
using FieldSync.LocalHost.Azurite;
using FieldSync.LocalHost.Hosting;
using FieldSync.Storage;
using FieldSync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FieldSync.FleetSimulator;

/// <summary>
/// One run, start to end: its own Azurite (in memory, free ports) and the real function app on the local host over
/// HTTP on loopback; the world seeded; the working day (every device's morning first sync, delta syncs, technician
/// edits, offline stretches, dispatchers writing); then the drain (edits stopped, every device online and syncing
/// until nothing moves and nothing is left to upload) and the convergence check of every device against its profile
/// evaluated on the server's records.
/// </summary>
internal static class FleetSimulation
{
    private const int DrainParallelism = 16;
    private const int ConvergenceAttempts = 3;
    private static readonly TimeSpan WatcherGrace = TimeSpan.FromSeconds(15);

    public static async Task<FleetResults> RunAsync(FleetSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        void Step(string message) => log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{total.Elapsed.TotalSeconds,6:0.0}s] {message}"));
        var startedOn = DateTimeOffset.UtcNow;
        var folder = Path.Combine(Path.GetTempPath(), "fieldsync-fleet-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var keepFolder = false;

        Step("Starting Azurite (in memory)...");
        await using var azurite = await AzuriteProcess.StartAsync(cancellationToken: cancellationToken);
        var key = TestSigningKey.Create();
        Step("Starting the local function host on loopback...");
        await using var host = await FieldSyncTestHost.StartAsync(azurite.ConnectionString, key, options =>
        {
            options.Settings["FieldSync:Sync:ConflictDetection"] = settings.ConflictDetection ? "true" : "false";
            // Quiet: the figures are the output. Warnings and errors still show.
            options.ConfigureServices = services => services.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Warning);
        }, cancellationToken);

        var world = FleetWorld.Generate(settings, host.Services.GetRequiredService<TimeProvider>().GetUtcNow());
        Step(string.Create(CultureInfo.InvariantCulture, $"Seeding {world.RowCount:N0} records ({settings.Devices} technicians, {settings.BookingsPerTechnician} bookings each, {settings.Products} products)..."));
        var seedWatch = Stopwatch.StartNew();
        var seeded = await WorldSeeder.SeedAsync(host.Services, world, cancellationToken);
        var seedSeconds = seedWatch.Elapsed.TotalSeconds;

        var metrics = new FleetMetrics();
        var devices = new List<SimulatedDevice>();
        var deliveries = new DeliveryTracker(metrics, index => devices[index]);
        using var watcherHttp = Dispatcher(host, key, "dispatcher-watch");
        var watcher = new PushVisibilityWatcher(watcherHttp, metrics);
        var dispatcherHttp = Enumerable.Range(1, settings.DispatcherCount).Select(n => Dispatcher(host, key, "dispatcher" + n.ToString(CultureInfo.InvariantCulture))).ToList();
        try
        {
            foreach (var technician in world.Technicians)
            {
                devices.Add(await SimulatedDevice.OpenAsync(technician, folder, host.BaseAddress, key, metrics, deliveries, watcher, world, settings, cancellationToken));
            }
            var counter = host.Services.GetRequiredService<StorageTransactionCounter>();

            // The working day.
            Step(string.Create(CultureInfo.InvariantCulture, $"Working day: {settings.Devices} devices, {settings.DispatcherCount} dispatchers, {settings.Seconds} s (5 simulated minutes = {settings.IntervalSeconds:0.##} s)..."));
            counter.Reset();
            using var watcherStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var watching = watcher.RunAsync(watcherStop.Token);
            var dayWatch = Stopwatch.StartNew();
            using (var dayStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                dayStop.CancelAfter(TimeSpan.FromSeconds(settings.Seconds));
                var dispatchers = dispatcherHttp.Select((http, n) => new FleetDispatcher(http, world, deliveries, metrics, settings, new Random(settings.RandomSeed + 100_003 * (n + 1))).RunAsync(dayStop.Token));
                await Task.WhenAll([.. devices.Select(d => d.RunDayAsync(dayStop.Token)), .. dispatchers]);
            }
            var daySeconds = dayWatch.Elapsed.TotalSeconds;
            var dayTransactions = counter.Total;
            // Named without the run's random table prefix ("GET records", not "GET fs1a2b3c4d5erecords").
            var prefix = host.Services.GetRequiredService<StorageOptions>().TablePrefix;
            var byOperation = counter.ByOperation.OrderByDescending(kv => kv.Value).Take(12)
                .ToDictionary(kv => kv.Key.Replace(" " + prefix, " ", StringComparison.Ordinal), kv => kv.Value, StringComparer.Ordinal);
            var daySyncs = metrics.FirstSyncs.Value + metrics.DeltaSyncs.Value;
            Step(string.Create(CultureInfo.InvariantCulture, $"Day over: {daySyncs:N0} syncs. Draining (every device online, forced syncs until nothing moves)..."));

            // The drain: edits have stopped; every device syncs until two rounds in a row move nothing and nothing waits to upload.
            counter.Reset();
            var drainWatch = Stopwatch.StartNew();
            var queues = new QueueServiceClient(azurite.ConnectionString);
            var (rounds, settled) = await DrainAsync(devices, queues, TimeSpan.FromSeconds(settings.DrainSeconds), cancellationToken);
            var drainSeconds = drainWatch.Elapsed.TotalSeconds;
            var drainTransactions = counter.Total;

            Step("Checking every device against its profile evaluated on the server's records...");
            var convergence = await ConvergenceCheck.RunAsync(host.Services, devices, cancellationToken);
            var checks = 1;
            while (!convergence.Converged && checks < ConvergenceAttempts)
            {
                // A late fan-out reaches a device on a later sync: say so in the figures (convergenceChecks) rather than hide it.
                Step($"{convergence.Devices - convergence.DevicesConverged} devices differ; one more forced sync of every device, then check again...");
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                await SyncEveryDeviceAsync(devices, cancellationToken);
                convergence = await ConvergenceCheck.RunAsync(host.Services, devices, cancellationToken);
                checks++;
            }

            var diagnostics = convergence.Converged ? [] : await DiagnoseAsync(host, key, devices, convergence.DivergedDevices, cancellationToken);
            keepFolder = !convergence.Converged;

            // The watcher reads on until every pushed change is seen (or a short grace passes).
            var grace = Stopwatch.StartNew();
            while (watcher.Pending > 0 && grace.Elapsed < WatcherGrace)
            {
                await Task.Delay(200, cancellationToken);
            }
            await watcherStop.CancelAsync();
            try
            {
                await watching;
            }
            catch (OperationCanceledException)
            {
                // Stopped on purpose.
            }

            var reasons = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var device in devices)
            {
                foreach (var error in (await device.GetStatusAsync()).SyncErrors)
                {
                    var reason = error.Reason ?? error.Status;
                    reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                }
            }
            return new FleetResults
            {
                Settings = settings,
                StartedOn = startedOn,
                SeededRecords = seeded,
                SeedSeconds = Math.Round(seedSeconds, 1),
                DaySeconds = Math.Round(daySeconds, 1),
                DrainSeconds = Math.Round(drainSeconds, 1),
                DrainRounds = rounds,
                DrainSettled = settled,
                FirstSyncs = metrics.FirstSyncs.Value,
                DeltaSyncs = metrics.DeltaSyncs.Value,
                DrainSyncs = metrics.DrainSyncs.Value,
                FailedSyncs = metrics.FailedSyncs.Value,
                SyncsSkippedOffline = metrics.SyncsSkippedOffline.Value,
                OfflinePeriods = metrics.OfflinePeriods.Value,
                SyncsPerSecond = Math.Round(daySyncs / daySeconds, 2),
                Pull = metrics.Pull.Summarize(),
                Push = metrics.Push.Summarize(),
                FirstSync = metrics.FirstSync.Summarize(),
                DeltaSync = metrics.DeltaSync.Summarize(),
                DispatcherToDevices = metrics.DispatcherToDevices.Summarize(),
                TechnicianToDispatcher = metrics.TechnicianToDispatcher.Summarize(),
                DispatcherWritesDelivered = deliveries.Delivered.Value,
                DispatcherWritesDeliveredAfterOutage = deliveries.DeliveredAfterOutage.Value,
                DispatcherWritesUndelivered = deliveries.Open,
                TechnicianChangesSeen = watcher.Seen.Value,
                TechnicianChangesRejected = watcher.Rejected.Value,
                TechnicianChangesUnseen = watcher.Pending,
                UnseenSamples = [.. watcher.Unseen.Take(10).Select(c => $"never seen by the dispatcher: {c.DeviceId} {c.Table}/{c.RecordId} #{c.Sequence}")],
                WorkOrderEdits = metrics.WorkOrderEdits.Value,
                ProductsAdded = metrics.ProductsAdded.Value,
                LocalWritesRefused = metrics.LocalWritesRefused.Value,
                DispatcherEdits = metrics.DispatcherEdits.Value,
                Reassignments = metrics.Reassignments.Value,
                Completions = metrics.Completions.Value,
                DispatcherWriteFailures = metrics.DispatcherWriteFailures.Value,
                DispatcherReads = metrics.DispatcherReads.Value,
                RowsReceived = metrics.RowsReceived.Value,
                RowsRemoved = metrics.RowsRemoved.Value,
                ChangesPushed = metrics.ChangesPushed.Value,
                IntegrityMismatches = metrics.IntegrityMismatches.Value,
                SyncErrorsByReason = reasons,
                HttpAnswers = metrics.Answers,
                TransportFailures = metrics.TransportFailures.Value,
                StorageTransactionsDay = dayTransactions,
                StorageTransactionsPerSync = daySyncs == 0 ? 0 : Math.Round((double)dayTransactions / daySyncs, 1),
                StorageTransactionsDrain = drainTransactions,
                StorageTransactionsByOperation = byOperation,
                Convergence = convergence,
                ConvergenceChecks = checks,
                FailureSamples = metrics.FailureSamples,
                Diagnostics = diagnostics,
                DeviceDatabases = keepFolder ? folder : null,
                TotalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
            };
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
            dispatcherHttp.ForEach(h => h.Dispose());
            if (!keepFolder)
            {
                DeleteFolder(folder);
            }
        }
    }

    /// <summary>
    /// Forced syncs of every device, round after round, until two rounds in a row move nothing, nothing is left to
    /// upload and no message waits in the app's queues (a quiet round under load can still have fan-out queued), or
    /// <paramref name="limit"/> passes.
    /// </summary>
    private static async Task<(int Rounds, bool Settled)> DrainAsync(IReadOnlyList<SimulatedDevice> devices, QueueServiceClient queues, TimeSpan limit, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var quiet = 0;
        var rounds = 0;
        while (quiet < 2 && watch.Elapsed < limit)
        {
            rounds++;
            var moved = await SyncEveryDeviceAsync(devices, cancellationToken) + await VisibleMessagesAsync(queues, cancellationToken);
            quiet = moved == 0 ? quiet + 1 : 0;
            if (quiet < 2)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        return (rounds, quiet >= 2);
    }

    /// <summary>One forced sync of every device; what moved: rows received or removed, changes pushed, uploads still pending, failed syncs.</summary>
    private static async Task<long> SyncEveryDeviceAsync(IReadOnlyList<SimulatedDevice> devices, CancellationToken cancellationToken)
    {
        long moved = 0;
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = DrainParallelism, CancellationToken = cancellationToken }, async (device, _) =>
        {
            var result = await device.SyncAsync(SyncKind.Drain, new SyncRequest { Force = true });
            var pending = (await device.GetStatusAsync()).PendingUploads;
            Interlocked.Add(ref moved, result is null ? 1 : result.Received + result.Removed + result.ChangesPushed + pending);
        });
        return moved;
    }

    /// <summary>
    /// For each device that did not converge: what the SDK says it still has to upload, and what the server's device
    /// status says (batches accepted and not applied, the last push), so a report tells an SDK outbox that stopped
    /// sending from a server inbox that stopped applying. The device databases are kept for the same reason.
    /// </summary>
    private static async Task<List<string>> DiagnoseAsync(LocalFunctionHost host, TestSigningKey key, IReadOnlyList<SimulatedDevice> devices,
        IReadOnlyList<string> diverged, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var device in devices.Where(d => diverged.Contains(d.Technician.DeviceId)).Take(5))
        {
            var status = await device.GetStatusAsync();
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Token(device.Technician.User, Roles.Technician));
            var server = await http.GetStringAsync(new Uri("api/sync/status?deviceId=" + device.Technician.DeviceId, UriKind.Relative), cancellationToken);
            lines.Add($"{device.Technician.DeviceId}: SDK pending uploads {status.PendingUploads}, unsent {status.UnsentChanges}, sync errors {status.SyncErrors.Count}, last failure {status.LastSyncFailure?.Message ?? "none"}; server status: {server}");
        }
        return lines;
    }

    /// <summary>Messages visible in the app's queues (poison queues aside): work the functions have not taken yet.</summary>
    private static async Task<long> VisibleMessagesAsync(QueueServiceClient queues, CancellationToken cancellationToken)
    {
        long visible = 0;
        foreach (var name in new[] { QueueNames.RecordChanges, QueueNames.ScopeEvaluations, QueueNames.Push, QueueNames.FeedSweeps })
        {
            var queue = queues.GetQueueClient(name);
            if (await queue.ExistsAsync(cancellationToken))
            {
                visible += (await queue.PeekMessagesAsync(32, cancellationToken)).Value.Length;
            }
        }
        return visible;
    }

    private static HttpClient Dispatcher(LocalFunctionHost host, TestSigningKey key, string user)
    {
        var http = new HttpClient { BaseAddress = host.BaseAddress };
        // A token for the longest run (day and drain both at their limits), so a dispatcher never signs in again mid-run.
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            LocalTokens.Issue(key.Key, user, [Roles.Dispatcher], TimeSpan.FromHours(2), DateTimeOffset.UtcNow));
        return http;
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open after a failure: the temp folder is cleaned by the OS.
        }
    }
}
