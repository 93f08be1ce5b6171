using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FieldSync.Core.Push;
using FieldSync.Core.Records;
using FieldSync.Core.Sync;
using FieldSync.Core.SyncErrors;
using FieldSync.Storage;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>
/// Issue 4: faults injected into the apply path's storage calls (an Azure SDK pipeline policy on both storage
/// clients) — a crash at every call, throttling with retries, duplicated and concurrent queue messages — must all
/// end in the state a clean run ends in: same record values and versions (nothing applied twice), same batch
/// statuses and outcomes, no sync errors, nothing left waiting. One Azurite per test; every run gets its own
/// device, work order and booking (a "slot"), so runs do not disturb each other.
/// </summary>
public class FaultInjectionTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Today9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 13, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ApplyDevice_CrashAtEveryStorageCall_EndsAsCleanRun()
    {
        var watch = Stopwatch.StartNew();
        await using var world = await World.StartAsync();
        var (clean, n) = await world.CleanRunAsync(output);
        var slots = await world.AddSlotsAsync(Enumerable.Range(1, n + 1).Select(k => $"k{k:D2}"));

        var failures = new List<string>();
        for (var k = 1; k <= n + 1; k++)
        {
            var slot = slots[k - 1];
            world.Faults.CrashAt(k);
            Exception? thrown = null;
            try
            {
                await world.Applier.ApplyDeviceAsync(slot.DeviceId, CancellationToken.None);
            }
            catch (InjectedCrashException ex)
            {
                thrown = ex;
            }
            var seen = world.Faults.Disarm();
            var at = world.Faults.CrashedAt;
            var where = at is null ? $"k={k}: call not reached ({seen.Count} calls)" : $"k={k}: crash instead of {at}";
            if (at is not null && thrown is null)
            {
                failures.Add($"{where}: the crash was swallowed and the run ended normally.");
            }
            if (k <= n && at is null)
            {
                failures.Add($"{where}: the run made fewer calls than the clean run's {n}.");
            }
            output.WriteLine(where);
            // The dead worker's lease runs out, and the stalled-push sweeper (or the redelivered message) runs the
            // device again: that run must finish the work as a clean run would have.
            world.Clock.Advance(PushApplier.LeaseFor + TimeSpan.FromSeconds(1));
            await world.Applier.ApplyDeviceAsync(slot.DeviceId, CancellationToken.None);
            var state = await world.SnapshotAsync(slot);
            if (state != clean)
            {
                failures.Add($"{where}, then a re-run, differs from a clean run:\n{Diff(clean, state)}");
            }
        }
        output.WriteLine($"N = {n} storage calls; {n + 1} crash points in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"{failures.Count} of {n} crash points end differently from a clean run:\n\n" + string.Join("\n\n", failures));
    }

    [Fact]
    public async Task ApplyDevice_Throttled503And429_EndsAsCleanRun()
    {
        var watch = Stopwatch.StartNew();
        await using var world = await World.StartAsync();
        var (clean, n) = await world.CleanRunAsync(output);
        var slots = await world.AddSlotsAsync(["t503", "t429"]);

        // The two runs go side by side, each in its own lane (device), so their retry delays overlap.
        int[] statuses = [503, 429];
        world.Faults.Throttle(every: 3, lane => lane is null ? null : int.Parse(lane, CultureInfo.InvariantCulture));
        await Task.WhenAll(slots.Zip(statuses).Select(run => Task.Run(async () =>
        {
            FaultInjectionPolicy.Lane = run.Second.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(Batches.Length, await world.Applier.ApplyDeviceAsync(run.First.DeviceId, CancellationToken.None));
        })));
        var seen = world.Faults.Disarm();

        var failures = new List<string>();
        foreach (var (slot, status) in slots.Zip(statuses))
        {
            var lane = seen.Where(c => c.Lane == status.ToString(CultureInfo.InvariantCulture)).ToList();
            var throttled = lane.Where(c => c.Fault is not null).ToList();
            output.WriteLine($"{status}: {throttled.Count} of {lane.Count - throttled.Count} calls answered {status} once, then retried");
            Assert.True(throttled.Count >= n / 3, $"only {throttled.Count} calls were throttled");
            Assert.All(throttled, t => Assert.Equal(status.ToString(CultureInfo.InvariantCulture), t.Fault));
            // Each throttled call was retried by the SDK (the retry is the same call, sent).
            Assert.All(throttled, t => Assert.Contains(lane, c => c.Number > t.Number && c.Retry > 0 && c.Fault is null && c.Method == t.Method && c.Target == t.Target));
            var state = await world.SnapshotAsync(slot);
            if (state != clean)
            {
                failures.Add($"{status} on every 3rd call differs from a clean run:\n{Diff(clean, state)}");
            }
        }
        output.WriteLine($"{watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task ApplyDevice_DuplicatedAndConcurrentMessages_EndAsCleanRun()
    {
        await using var world = await World.StartAsync();
        var (clean, _) = await world.CleanRunAsync(output);
        var slots = await world.AddSlotsAsync(Enumerable.Range(1, 5).Select(r => $"c{r}"));

        var failures = new List<string>();
        foreach (var slot in slots)
        {
            // Every push queues a message for the device, so several workers may take the same device at once.
            var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => world.Applier.ApplyDeviceAsync(slot.DeviceId, CancellationToken.None))));
            output.WriteLine($"{slot.Name}: batches completed per worker: {string.Join(", ", runs)}");
            Assert.Equal(Batches.Length, runs.Sum());
            // And a late duplicate finds nothing to do.
            Assert.Equal(0, await world.Applier.ApplyDeviceAsync(slot.DeviceId, CancellationToken.None));
            var state = await world.SnapshotAsync(slot);
            if (state != clean)
            {
                failures.Add($"{slot.Name}: three concurrent runs differ from a clean run:\n{Diff(clean, state)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    /// <summary>
    /// The deterministic form of the race above: worker B is held before its k-th storage call while worker A (a
    /// duplicate message) applies everything; then B carries on with what it had read. For every k.
    /// </summary>
    [Fact]
    public async Task ApplyDevice_DuplicateMessageHeldAtEveryStorageCall_EndsAsCleanRun()
    {
        var watch = Stopwatch.StartNew();
        await using var world = await World.StartAsync();
        var (clean, n) = await world.CleanRunAsync(output);
        var slots = await world.AddSlotsAsync(Enumerable.Range(1, n).Select(k => $"p{k:D2}"));

        var failures = new List<string>();
        for (var k = 1; k <= n; k++)
        {
            var slot = slots[k - 1];
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reached = world.Faults.PauseAt("B", k, release.Task);
            var b = Task.Run(async () =>
            {
                FaultInjectionPolicy.Lane = "B";
                return await world.Applier.ApplyDeviceAsync(slot.DeviceId, CancellationToken.None);
            });
            if (await Task.WhenAny(reached, b) != reached)
            {
                world.Faults.Disarm();
                failures.Add($"k={k}: worker B finished without reaching its call {k} ({await b} batches).");
                continue;
            }
            var held = await reached;
            var a = await Task.Run(async () =>
            {
                FaultInjectionPolicy.Lane = "A";
                return await world.Applier.ApplyDeviceAsync(slot.DeviceId, CancellationToken.None);
            });
            release.SetResult();
            var where = $"k={k}: B held before {held}";
            try
            {
                var late = await b;
                output.WriteLine($"{where}; A completed {a}, B {late}");
            }
            catch (Exception ex) when (ex is InvalidOperationException or Azure.RequestFailedException)
            {
                failures.Add($"{where}: B failed: {ex.GetType().Name}: {ex.Message}");
            }
            world.Faults.Disarm();
            var state = await world.SnapshotAsync(slot);
            if (state != clean)
            {
                failures.Add($"{where}, A ran everything, then B went on; differs from a clean run:\n{Diff(clean, state)}");
            }
        }
        output.WriteLine($"N = {n}; {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(failures.Count == 0, $"{failures.Count} of {n} interleavings end differently from a clean run:\n\n" + string.Join("\n\n", failures));
    }

    /// <summary>
    /// The device's three batches: (1) the work order as a whole row with Start Time moved, and a new part for it;
    /// (2) the new part's quantity changed, and the work order's End Time moved (a second edit of the same work
    /// order, still on the version the device last saw); (3) a new service task, then an edit of it, in one batch.
    /// </summary>
    private static readonly Func<Slot, PushChange[]>[] Batches =
    [
        s =>
        [
            Change(ChangeAction.Update, "workorder", s.WorkOrder, 1, WorkOrderRow(Start.AddHours(1), Start.AddHours(2))),
            Change(ChangeAction.Create, "workorderproduct", s.Part, null, $$"""{ "name": "Gasket", "workorder": "{{s.WorkOrder}}", "product": "product-1", "quantity": 1 }"""),
        ],
        s =>
        [
            Change(ChangeAction.Update, "workorderproduct", s.Part, 1, $$"""{ "name": "Gasket", "workorder": "{{s.WorkOrder}}", "product": "product-1", "quantity": 2 }"""),
            Change(ChangeAction.Update, "workorder", s.WorkOrder, 1, WorkOrderRow(Start.AddHours(1), Start.AddHours(3))),
        ],
        s =>
        [
            Change(ChangeAction.Create, "workorderservicetask", s.ServiceTask, null, $$"""{ "name": "Inspect", "workorder": "{{s.WorkOrder}}" }"""),
            Change(ChangeAction.Update, "workorderservicetask", s.ServiceTask, 1, $$"""{ "name": "Inspect the valve", "workorder": "{{s.WorkOrder}}" }"""),
        ],
    ];

    private static string WorkOrderRow(DateTimeOffset start, DateTimeOffset end)
        => $$"""{ "name": "WO", "serviceaccount": "account-1", "starttime": "{{start:yyyy-MM-ddTHH:mm:ssZ}}", "endtime": "{{end:yyyy-MM-ddTHH:mm:ssZ}}" }""";

    private static PushChange Change(ChangeAction action, string table, string id, long? baseVersion, string? values = null)
        => new() { Action = action, Table = table, Id = id, BaseVersion = baseVersion, Values = values is null ? null : JsonDocument.Parse(values).RootElement.Clone() };

    /// <summary>Lines of the clean state missing from the other (-) and lines only the other has (+).</summary>
    private static string Diff(string clean, string other)
    {
        var a = clean.Split('\n');
        var b = other.Split('\n');
        return string.Join("\n", a.Except(b).Select(l => "  - " + l).Concat(b.Except(a).Select(l => "  + " + l)));
    }

    /// <summary>One run's own device, work order (booked to tech1, so in their offline data) and new records.</summary>
    private sealed record Slot(string Name)
    {
        public string DeviceId => "device-tech1-" + Name;

        public string WorkOrder => "wo-" + Name;

        public string Booking => "booking-" + Name;

        public string Part => "wop-" + Name;

        public string ServiceTask => "task-" + Name;

        public IEnumerable<(string Table, string Id)> Records => [("workorder", WorkOrder), ("workorderproduct", Part), ("workorderservicetask", ServiceTask)];
    }

    private sealed class World(SyncHarness h, FaultInjectionPolicy faults) : IAsyncDisposable
    {
        public Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock => h.Clock;

        public FaultInjectionPolicy Faults => faults;

        public PushApplier Applier => h.Services.GetRequiredService<PushApplier>();

        public static async Task<World> StartAsync()
        {
            var faults = new FaultInjectionPolicy();
            var h = await SyncHarness.StartAsync(Today9, services => services.AddSingleton(new StoragePipelinePolicy(faults)),
                new Dictionary<string, string?> { ["FieldSync:Sync:ConflictDetection"] = "false" });
            await SeedAsync(h);
            await Device(h, "tech1").SyncAsync(); // tech1's scope exists; work orders booked later join it by fan-out
            return new World(h, faults);
        }

        /// <summary>A slot applied with nothing injected: its end state, and the storage calls the apply made.</summary>
        public async Task<(string State, int Calls)> CleanRunAsync(ITestOutputHelper output)
        {
            var slot = (await AddSlotsAsync(["clean"]))[0];
            var counter = h.Services.GetRequiredService<StorageTransactionCounter>();
            counter.Reset();
            faults.Record();
            Assert.Equal(Batches.Length, await Applier.ApplyDeviceAsync(slot.DeviceId, CancellationToken.None));
            var calls = faults.Disarm();
            var n = checked((int)counter.Total);
            Assert.Equal(n, calls.Count);
            output.WriteLine($"clean run: {n} storage calls: {string.Join(", ", counter.ByOperation.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} x{o.Value}"))}");
            foreach (var call in calls)
            {
                output.WriteLine("  " + call);
            }
            var state = await SnapshotAsync(slot);
            output.WriteLine(state);
            // The clean run is what the others are held to: everything applied once, nothing reported.
            Assert.DoesNotContain("Rejected", state, StringComparison.Ordinal);
            Assert.DoesNotContain("Invalid", state, StringComparison.Ordinal);
            Assert.Contains("syncerrors: none", state, StringComparison.Ordinal);
            return (state, n);
        }

        /// <summary>Creates the slots' work orders and bookings, puts them in tech1's offline data, pushes the batches.</summary>
        public async Task<IReadOnlyList<Slot>> AddSlotsAsync(IEnumerable<string> names)
        {
            var slots = names.Select(n => new Slot(n)).ToList();
            foreach (var slot in slots)
            {
                await h.CreateAsync("workorder", slot.WorkOrder, ("name", "WO"), ("serviceaccount", "account-1"), ("starttime", Start), ("endtime", Start.AddHours(2)));
                await BookingAsync(h, slot.Booking, "resource-tech1", slot.WorkOrder, Today9.AddHours(4));
            }
            // One evaluation of tech1's whole scope takes the new bookings and their work orders in (the per-record
            // fan-out of many bookings at once would race on the scope's head); the fan-out messages are not needed.
            await h.LoseQueuedMessagesAsync();
            await h.Maintainer.EvaluateAsync(ScopeIds.ForUser("tech1"), CancellationToken.None);
            var pushes = h.Services.GetRequiredService<PushService>();
            foreach (var slot in slots)
            {
                for (var i = 0; i < Batches.Length; i++)
                {
                    var outcome = await pushes.PushAsync("tech1", new PushRequest(slot.DeviceId, $"batch-{i + 1}", i + 1, Batches[i](slot)), CancellationToken.None);
                    Assert.True(outcome.Failure == PushFailure.None,
                        $"push {slot.Name} batch-{i + 1}: {outcome.Failure} {outcome.Detail} {string.Join("; ", outcome.Errors?.Select(e => e.Field + ": " + e.Message) ?? [])}");
                }
            }
            // The tests run the applier themselves; the queued push messages must not.
            await h.LoseQueuedMessagesAsync();
            return slots;
        }

        /// <summary>
        /// Everything the apply path leaves behind for a slot, as text with the slot's ids replaced by a placeholder:
        /// the records (version, values, writer, the change that wrote them), the batches (status, each outcome),
        /// the inbox head, the device's sync errors and whether the device is still listed as waiting.
        /// </summary>
        public async Task<string> SnapshotAsync(Slot slot)
        {
            var text = new StringBuilder();
            var store = h.Services.GetRequiredService<IRecordStore>();
            foreach (var (table, id) in slot.Records)
            {
                var record = (await store.GetAsync(table, id, CancellationToken.None))?.Record;
                text.Append(CultureInfo.InvariantCulture, $"{table} {id}: ").AppendLine(record is null ? "absent"
                    : $"v{record.Version} deleted={record.Deleted} by={record.ModifiedBy} change={record.ChangeId} "
                      + string.Join(" ", record.Values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={Format(v.Value)}")));
            }
            var inbox = h.Services.GetRequiredService<IInbox>();
            for (var i = 1; i <= Batches.Length; i++)
            {
                var batch = await inbox.GetBatchAsync(slot.DeviceId, $"batch-{i}", CancellationToken.None);
                text.Append(CultureInfo.InvariantCulture, $"batch-{i}: ").AppendLine(batch is null ? "absent" : $"{batch.Status}, {batch.Outcomes.Count} outcomes");
                foreach (var o in batch?.Outcomes ?? [])
                {
                    text.AppendLine(CultureInfo.InvariantCulture,
                        $"  [{o.Index}] {o.Table} {o.Id}: {o.Status} v{o.Version} reason={o.Reason} syncError={(o.SyncErrorId is null ? "no" : "yes")} {o.Message}");
                }
            }
            var head = await inbox.GetHeadAsync(slot.DeviceId, CancellationToken.None);
            text.AppendLine(CultureInfo.InvariantCulture, $"head: accepted={head.AcceptedSequence} processed={head.ProcessedSequence}");
            var errors = await h.Services.GetRequiredService<ISyncErrorStore>().ListAsync(new SyncErrorQuery(DeviceId: slot.DeviceId, PageSize: 1000), CancellationToken.None);
            text.AppendLine("syncerrors: " + (errors.Errors.Count == 0 ? "none" : ""));
            foreach (var error in errors.Errors.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {error.Key} {error.Type} {error.ErrorCode} {error.Action} {error.Table} {error.RecordId} {error.BatchId}: {error.Message}");
            }
            var waiting = await inbox.StalledDevicesAsync(h.Clock.GetUtcNow().AddDays(1), CancellationToken.None);
            text.Append("listed as waiting (pushpending): ").Append(waiting.Contains(slot.DeviceId) ? "yes" : "no");
            return text.ToString().Replace("-" + slot.Name, "-{slot}", StringComparison.Ordinal);
        }

        private static string Format(object? value) => value switch
        {
            DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
        };

        public ValueTask DisposeAsync() => h.DisposeAsync();
    }
}
