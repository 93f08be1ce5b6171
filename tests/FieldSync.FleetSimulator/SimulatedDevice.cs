using System.Diagnostics;
using System.Text.Json.Nodes;
using FieldSync.Client;
using FieldSync.Client.Storage;
using FieldSync.Core.Security;
using FieldSync.Testing;

namespace FieldSync.FleetSimulator;

/// <summary>
/// One technician's device, a real SDK device: its own SQLite file (<see cref="LocalStore"/>) and a
/// <see cref="FieldSyncClient"/> over HTTP on loopback, used only through the SDK's public API. During the day it does
/// the morning first sync, then a delta sync every interval (with jitter), and between syncs the technician edits work
/// orders and adds parts; some devices lose the network for a while and queue their edits in the outbox.
/// </summary>
internal sealed class SimulatedDevice : IAsyncDisposable
{
    private readonly FieldSyncClient client;
    private readonly TimedTransport transport;
    private readonly FleetMetrics metrics;
    private readonly DeliveryTracker deliveries;
    private readonly PushVisibilityWatcher watcher;
    private readonly FleetWorld world;
    private readonly FleetSettings settings;
    private readonly Random random;
    private readonly List<TechnicianChange> unpushed = [];
    private readonly HashSet<long> reportedErrors = [];
    private long changes;
    private volatile bool offline;

    private SimulatedDevice(FleetTechnician technician, LocalStore store, FieldSyncClient client, TimedTransport transport, FleetMetrics metrics,
        DeliveryTracker deliveries, PushVisibilityWatcher watcher, FleetWorld world, FleetSettings settings, Random random)
    {
        Technician = technician;
        Store = store;
        this.client = client;
        this.transport = transport;
        this.metrics = metrics;
        this.deliveries = deliveries;
        this.watcher = watcher;
        this.world = world;
        this.settings = settings;
        this.random = random;
    }

    public FleetTechnician Technician { get; }

    public LocalStore Store { get; }

    /// <summary>No network now: the device neither pushes nor pulls, and its edits wait in the outbox.</summary>
    public bool IsOffline => offline;

    public static async Task<SimulatedDevice> OpenAsync(FleetTechnician technician, string folder, Uri server, TestSigningKey key, FleetMetrics metrics,
        DeliveryTracker deliveries, PushVisibilityWatcher watcher, FleetWorld world, FleetSettings settings, CancellationToken cancellationToken)
    {
        var store = await LocalStore.OpenAsync(Path.Combine(folder, technician.DeviceId + ".db"), cancellationToken: cancellationToken);
        var transport = new TimedTransport(metrics);
        var client = new FieldSyncClient(new FieldSyncClientOptions
        {
            ServerAddress = server,
            DeviceId = technician.DeviceId,
            // Called per attempt, as an app's MSAL call would be; signed with the host's test key like the local host's token verb.
            AccessToken = _ => ValueTask.FromResult(key.Token(technician.User, Roles.Technician)),
            AppVersion = "fleet-simulator/1.0",
            Platform = "simulated",
            RetryBaseDelay = TimeSpan.FromMilliseconds(200),
            MaxRetryDelay = TimeSpan.FromSeconds(5),
        }, store, transport);
        return new SimulatedDevice(technician, store, client, transport, metrics, deliveries, watcher, world, settings, new Random(settings.RandomSeed * 7919 + technician.Index));
    }

    /// <summary>The working day, until <paramref name="stop"/> (a sync in flight then finishes).</summary>
    public async Task RunDayAsync(CancellationToken stop)
    {
        var day = Stopwatch.StartNew();
        var length = TimeSpan.FromSeconds(settings.Seconds);
        var (offlineFrom, offlineUntil) = PlanOutage(length);
        try
        {
            await Task.Delay(settings.MorningSpread * random.NextDouble(), stop);
            await SyncAsync(SyncKind.First, SyncRequest.Due);
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(settings.Interval * (0.8 + 0.4 * random.NextDouble()), stop);
                var nowOffline = day.Elapsed >= offlineFrom && day.Elapsed < offlineUntil;
                if (nowOffline && !offline)
                {
                    metrics.OfflinePeriods.Increment();
                    deliveries.WentOffline(Technician.Index);
                }
                offline = nowOffline;
                await EditAsync();
                if (offline)
                {
                    metrics.SyncsSkippedOffline.Increment();
                    continue;
                }
                await SyncAsync(SyncKind.Delta, SyncRequest.Due);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The working day is over; the drain brings every device back online.
        }
        offline = false;
    }

    /// <summary>One SDK sync; a failure is counted (the SDK keeps what it applied and every unsent change) and null is returned.</summary>
    public async Task<SyncResult?> SyncAsync(SyncKind kind, SyncRequest request)
    {
        List<TechnicianChange> leaving;
        lock (unpushed)
        {
            leaving = [.. unpushed];
            unpushed.Clear();
        }
        var started = Stopwatch.GetTimestamp();
        SyncResult result;
        try
        {
            result = await client.SyncAsync(request);
        }
        catch (Exception e) when (e is FieldSyncApiException or FieldSyncProtocolException or HttpRequestException or TimeoutException or IOException)
        {
            metrics.FailedSyncs.Increment();
            metrics.Fail($"{Technician.DeviceId} {kind} sync: {e.GetType().Name}: {e.Message}");
            lock (unpushed)
            {
                unpushed.InsertRange(0, leaving);
            }
            return null;
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        (kind switch { SyncKind.First => metrics.FirstSyncs, SyncKind.Delta => metrics.DeltaSyncs, _ => metrics.DrainSyncs }).Increment();
        (kind == SyncKind.First ? metrics.FirstSync : metrics.DeltaSync).Record(elapsed);
        metrics.RowsReceived.Add(result.Received);
        metrics.RowsRemoved.Add(result.Removed);
        metrics.ChangesPushed.Add(result.ChangesPushed);
        metrics.IntegrityMismatches.Add(result.IntegrityMismatches.Count);
        // Measured from the start of the sync that first sent them (a change waiting for an earlier one of its record goes in a later batch).
        watcher.Pushed(leaving, started);
        await deliveries.CheckAsync(Technician.Index, Store, CancellationToken.None);
        if (result.NewSyncErrors > 0)
        {
            await ReportRejectionsAsync();
        }
        return result;
    }

    /// <summary>The sync errors the device holds now (the server's rejections and refusals, as the app shows them).</summary>
    public async Task<SyncStatus> GetStatusAsync() => await client.GetStatusAsync();

    public async ValueTask DisposeAsync()
    {
        client.Dispose();
        transport.Dispose();
        await Store.DisposeAsync();
    }

    /// <summary>For a share of the devices, a stretch of the day without network: 3 to 8 intervals, over before the day ends.</summary>
    private (TimeSpan From, TimeSpan Until) PlanOutage(TimeSpan day)
    {
        if (random.NextDouble() >= settings.OfflineShare)
        {
            return (TimeSpan.MaxValue, TimeSpan.MaxValue);
        }
        var from = day * (0.2 + 0.3 * random.NextDouble());
        var length = settings.Interval * (3 + 5 * random.NextDouble());
        var until = from + length < day * 0.9 ? from + length : day * 0.9;
        return (from, until);
    }

    /// <summary>The technician at work: most intervals a work order's notes change, some add a part used on it.</summary>
    private async Task EditAsync()
    {
        var workOrders = await Store.ListAsync("workorder");
        if (workOrders.Count == 0)
        {
            return;
        }
        if (random.NextDouble() < 0.6)
        {
            var workOrder = workOrders[random.Next(workOrders.Count)];
            var sequence = Interlocked.Increment(ref changes);
            var marker = TechnicianChange.MarkerOf(Technician.DeviceId, sequence);
            var written = await Store.UpdateAsync("workorder", workOrder.Id, new JsonObject { [TechnicianChange.InstructionsColumn] = marker });
            Queue(written, metrics.WorkOrderEdits, new TechnicianChange(Technician.DeviceId, "workorder", workOrder.Id, sequence, marker));
        }
        if (random.NextDouble() < 0.3)
        {
            var workOrder = workOrders[random.Next(workOrders.Count)];
            var sequence = Interlocked.Increment(ref changes);
            var id = FormattableString.Invariant($"{Technician.DeviceId}-part-{sequence}");
            var written = await Store.CreateAsync("workorderproduct", id, new JsonObject
            {
                ["name"] = "Part used on site",
                ["workorder"] = workOrder.Id,
                ["product"] = world.Products[random.Next(world.Products.Count)],
                ["quantity"] = 1 + random.Next(3),
            });
            Queue(written, metrics.ProductsAdded, new TechnicianChange(Technician.DeviceId, "workorderproduct", id, sequence, null));
        }
    }

    private void Queue(LocalWriteResult written, FleetCounter counter, TechnicianChange change)
    {
        if (!written.Accepted)
        {
            metrics.LocalWritesRefused.Increment();
            return;
        }
        counter.Increment();
        lock (unpushed)
        {
            unpushed.Add(change);
        }
    }

    private async Task ReportRejectionsAsync()
    {
        foreach (var error in (await client.GetStatusAsync()).SyncErrors)
        {
            if (reportedErrors.Add(error.Id) && error.Table is { } table && error.RecordId is { } id)
            {
                watcher.RejectedOn(Technician.DeviceId, table, id);
            }
        }
    }
}
