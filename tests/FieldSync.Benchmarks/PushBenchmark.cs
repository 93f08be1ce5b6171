using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using FieldSync.Core.Push;
using FieldSync.Core.Records;
using FieldSync.Core.Sync;
using FieldSync.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.Benchmarks;

/// <summary>
/// The cost of a technician's offline updates, end to end, in-process on the benchmark's Azurite:
/// <list type="number">
/// <item>an extra technician is seeded with <see cref="BenchmarkSettings.PushWorkOrders"/> bookings, each with a work
/// order, parts and tasks; their scope is built and their tablet does a first sync, so it holds every work order;</item>
/// <item>push rounds (one warm-up, <see cref="BenchmarkSettings.TimedRuns"/> measured, one of re-updates): the tablet
/// pushes <see cref="BenchmarkSettings.PushBatches"/> batches of <see cref="BenchmarkSettings.PushBatchSize"/> updates
/// of distinct work orders it holds, changing only <c>instructions</c> and <c>priority</c> (no lookup changes, so every
/// record stays in the same bucket). Before each batch of the warm-up and measured rounds a dispatcher edits the same
/// work orders (not counted), so each pushed change is the technician's first over someone else's version; in the
/// re-update round each change follows the tablet's own previous one. Each batch goes through what the function app
/// runs for it, one trigger after the other: the push request (<see cref="PushService.PushAsync"/>); the push-queue
/// trigger (receive, <see cref="PushApplier.ApplyDeviceAsync"/>, delete); and the fan-out its writes queue, drained
/// as the queue triggers would (receive up to 16 messages as host.json's batchSize, <see
/// cref="FeedFanOut.RecordsChangedAsync"/> or <see cref="ScopeMaintainer.HandleAsync"/> for each, delete), one
/// message at a time;</item>
/// <item>after each round, as many raw single-entity upserts (<c>TableClient.UpsertEntityAsync</c>, replace, one
/// at a time) of copies of the work order entities into a table of their own, timed against the apply.</item>
/// </list>
/// Every storage transaction the changes cause is counted, split into accept, apply and fan-out. Not counted: the
/// triggers' empty polls (paid whether or not anything is pushed) and the benchmark's own checks of the receipts.
/// </summary>
internal static class PushBenchmark
{
    private const string WorkOrderTable = "workorder";

    /// <summary>Messages a queue trigger takes at a time (host.json <c>extensions.queues.batchSize</c>).</summary>
    private const int TriggerBatchSize = 16;

    private static readonly JsonSerializerOptions MessageJson = new(JsonSerializerDefaults.Web);

    public static async Task RunAsync(IServiceProvider services, string connectionString, BenchmarkSettings settings, BenchmarkResults results,
        Action<string> step, CancellationToken cancellationToken)
    {
        if (settings.PushWorkOrders < settings.PushBatchSize)
        {
            throw new InvalidOperationException($"A batch updates distinct work orders: {settings.PushWorkOrders} work orders cannot fill batches of {settings.PushBatchSize}.");
        }
        var counter = services.GetRequiredService<StorageTransactionCounter>();
        var records = services.GetRequiredService<RecordService>();
        var recordStore = services.GetRequiredService<IRecordStore>();
        var maintainer = services.GetRequiredService<ScopeMaintainer>();
        var fanOut = services.GetRequiredService<FeedFanOut>();
        var pulls = services.GetRequiredService<PullService>();
        var pushes = services.GetRequiredService<PushService>();
        var applier = services.GetRequiredService<PushApplier>();
        var inbox = services.GetRequiredService<IInbox>();
        var queues = services.GetRequiredService<QueueServiceClient>();
        var storage = services.GetRequiredService<StorageOptions>();
        var clock = services.GetRequiredService<TimeProvider>();

        // 1. The pushing technician, seeded like the others (no record-change messages, the writes' markers cleared:
        //    their scope does not exist yet, so no scope can hold their rows), then their scope and a first sync of the
        //    tablet. The queues are emptied, so nothing left over can be counted.
        var technician = settings.Technicians + 1;
        var user = FieldServiceData.User(technician);
        var deviceId = user + "-tablet";
        var stages = FieldServiceData.Technician(technician, settings.PushWorkOrders, settings.Products, clock.GetUtcNow());
        var rows = stages.SelectMany(s => s).ToList();
        step(string.Create(CultureInfo.InvariantCulture, $"Push: seeding technician {user} ({settings.PushWorkOrders} bookings with work orders, {rows.Count} records), scope, first sync of {deviceId}..."));
        var setup = Stopwatch.StartNew();
        using (services.GetRequiredService<SeedNotifier>().Seeding())
        {
            await FieldServiceData.WriteAsync(records, stages, settings.WriteParallelism, cancellationToken);
        }
        await FieldServiceData.CompleteFanOutAsync(recordStore, rows, cancellationToken);
        var pushQueue = queues.GetQueueClient(QueueNames.Push);
        var changesQueue = queues.GetQueueClient(QueueNames.RecordChanges);
        var scopesQueue = queues.GetQueueClient(QueueNames.ScopeEvaluations);
        foreach (var queue in new[] { pushQueue, changesQueue, scopesQueue })
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.ClearMessagesAsync(cancellationToken);
        }
        await maintainer.EnsureScopesAsync(user, cancellationToken);
        var firstSync = await new InProcessDevice(pulls, user, deviceId).SyncAsync(settings.PageSize, cancellationToken);
        var workOrders = rows.Where(r => r.Table == WorkOrderTable).Select(r => r.Id).ToList();
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var id in workOrders)
        {
            versions[id] = (await recordStore.GetAsync(WorkOrderTable, id, cancellationToken))!.Record.Version;
        }

        // The raw baseline: copies of the work order entities as stored (same properties and sizes), in a table of their own.
        var rawService = new TableServiceClient(connectionString);
        var rawRecords = rawService.GetTableClient(storage.TablePrefix + "records");
        var rawTable = rawService.GetTableClient(storage.TablePrefix + "benchupserts");
        await rawTable.CreateIfNotExistsAsync(cancellationToken);
        var templates = new List<TableEntity>();
        foreach (var id in workOrders)
        {
            templates.Add((await rawRecords.GetEntityAsync<TableEntity>(WorkOrderTable, id, cancellationToken: cancellationToken)).Value);
        }
        results.PushTechnician = user;
        results.PushSeedRecords = rows.Count;
        results.PushFirstSyncRecords = firstSync.Records;
        results.PushSetupSeconds = setup.Elapsed.TotalSeconds;

        // 2. Rounds of batches: one warm-up (JIT, connections, caches), the measured ones (each followed by the raw
        //    upserts), then one of re-updates. Before each batch of the first two kinds, a dispatcher edits the batch's
        //    work orders (not counted; its fan-out drained) and the tablet takes the new versions, so every pushed
        //    change is the technician's first over a version someone else wrote, as when a job is first touched.
        //    The re-update round skips that: each change then follows the tablet's own previous one.
        var measuredCost = new PushCost(counter);
        var reupdateCost = new PushCost(counter);
        var changesPerRound = settings.PushBatches * settings.PushBatchSize;
        var applySeconds = new List<double>();
        var rawSeconds = new List<double>();
        // The dispatcher's edits of the measured rounds: one records API write each, with its own fan-out.
        var editCost = new CostMeter(counter);
        long edits = 0;
        long sequence = 0;
        for (var round = 0; round <= settings.TimedRuns + 1; round++)
        {
            var timed = round > 0 && round <= settings.TimedRuns;
            var reupdate = round == settings.TimedRuns + 1;
            step(round == 0
                ? string.Create(CultureInfo.InvariantCulture, $"Push warm-up round: {settings.PushBatches} batches of {settings.PushBatchSize}, then {changesPerRound} raw upserts...")
                : timed
                    ? string.Create(CultureInfo.InvariantCulture, $"Push round {round}/{settings.TimedRuns}: {settings.PushBatches} batches of {settings.PushBatchSize} work order updates (accept, apply, fan-out), then {changesPerRound} raw upserts...")
                    : string.Create(CultureInfo.InvariantCulture, $"Push re-update round: {settings.PushBatches} batches of {settings.PushBatchSize}, each change over the tablet's own previous one..."));
            // The warm-up's transactions go to a cost that is dropped.
            var cost = timed ? measuredCost : reupdate ? reupdateCost : new PushCost(counter);
            var applyTime = TimeSpan.Zero;
            var editTime = TimeSpan.Zero;
            var roundWatch = Stopwatch.StartNew();
            for (var b = 0; b < settings.PushBatches; b++)
            {
                sequence++;
                var batch = Enumerable.Range(0, settings.PushBatchSize)
                    .Select(i => workOrders[(int)((sequence * settings.PushBatchSize + i) % workOrders.Count)]).ToList();
                if (!reupdate)
                {
                    var editWatch = Stopwatch.StartNew();
                    var editStart = editCost.Start();
                    await DispatcherEditsAsync(records, fanOut, maintainer, changesQueue, scopesQueue, counter, batch, versions, sequence, settings.WriteParallelism, cancellationToken);
                    if (timed)
                    {
                        editCost.Stop(editStart);
                        edits += batch.Count;
                    }
                    editTime += editWatch.Elapsed;
                }
                applyTime += await PushBatchAsync(pushes, applier, inbox, fanOut, maintainer, pushQueue, changesQueue, scopesQueue, cost,
                    user, deviceId, sequence, batch, versions, cancellationToken);
            }

            if (reupdate)
            {
                step(string.Create(CultureInfo.InvariantCulture, $"  {roundWatch.Elapsed.TotalSeconds:0.0} s, of which ApplyDeviceAsync {applyTime.TotalSeconds:0.00} s"));
                continue;
            }

            // The raw baseline, right after, on the same Azurite.
            var rawWatch = Stopwatch.StartNew();
            for (var i = 0; i < changesPerRound; i++)
            {
                var template = templates[i % templates.Count];
                var entity = new TableEntity(template.PartitionKey, template.RowKey);
                foreach (var (name, value) in template)
                {
                    if (name is not ("PartitionKey" or "RowKey" or "Timestamp") && !name.StartsWith("odata.", StringComparison.Ordinal))
                    {
                        entity[name] = value;
                    }
                }
                entity["instructions"] = string.Create(CultureInfo.InvariantCulture, $"Raw upsert {round}-{i}: customer asks to call 15 minutes ahead; side gate code 4711.");
                await rawTable.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            }
            var rawTime = rawWatch.Elapsed;
            step(string.Create(CultureInfo.InvariantCulture,
                $"  {roundWatch.Elapsed.TotalSeconds:0.0} s, of which the dispatcher's edits and their fan-out {editTime.TotalSeconds:0.0} s, ApplyDeviceAsync {applyTime.TotalSeconds:0.00} s, the raw upserts {rawTime.TotalSeconds:0.00} s"));
            if (timed)
            {
                applySeconds.Add(applyTime.TotalSeconds);
                rawSeconds.Add(rawTime.TotalSeconds);
            }
        }

        results.PushBatchesMeasured = settings.TimedRuns * settings.PushBatches;
        results.PushChangesPerRound = changesPerRound;
        results.PushCost = measuredCost;
        results.PushReupdateCost = reupdateCost;
        results.ApiUpdateCost = editCost;
        results.ApiUpdates = edits;
        results.PushApplySeconds = applySeconds;
        results.RawUpsertSeconds = rawSeconds;
    }

    /// <summary>
    /// One batch through the function app's steps: the push request, the push-queue trigger, then the fan-out its
    /// writes queued. Returns the wall time of <see cref="PushApplier.ApplyDeviceAsync"/>.
    /// </summary>
    private static async Task<TimeSpan> PushBatchAsync(PushService pushes, PushApplier applier, IInbox inbox, FeedFanOut fanOut, ScopeMaintainer maintainer,
        QueueClient pushQueue, QueueClient changesQueue, QueueClient scopesQueue, PushCost cost,
        string user, string deviceId, long sequence, IReadOnlyList<string> workOrders, Dictionary<string, long> versions, CancellationToken cancellationToken)
    {
        var batchId = string.Create(CultureInfo.InvariantCulture, $"batch-{sequence:0000}");
        var changes = workOrders.Select((id, i) => Update(id, versions[id], sequence, i)).ToList();

        // The push request.
        var start = cost.Accept.Start();
        var outcome = await pushes.PushAsync(user, new PushRequest(deviceId, batchId, sequence, changes), cancellationToken);
        cost.Accept.Stop(start);
        if (outcome.Failure != PushFailure.None || outcome.Duplicate)
        {
            throw new InvalidOperationException($"Push of {batchId} failed: {outcome.Failure} {outcome.Detail} "
                + string.Join("; ", outcome.Errors?.Take(3).Select(e => e.Field + ": " + e.Message) ?? []));
        }

        // The push-queue trigger.
        var applyTime = TimeSpan.Zero;
        start = cost.Apply.Start();
        var messages = (await pushQueue.ReceiveMessagesAsync(TriggerBatchSize, cancellationToken: cancellationToken)).Value;
        if (messages.Length == 0)
        {
            throw new InvalidOperationException($"The push of {batchId} queued no message.");
        }
        foreach (var message in messages)
        {
            var work = JsonSerializer.Deserialize<PushMessage>(message.Body.ToString(), MessageJson)!;
            var watch = Stopwatch.StartNew();
            await applier.ApplyDeviceAsync(work.DeviceId, cancellationToken);
            applyTime += watch.Elapsed;
            await pushQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        cost.Apply.Stop(start);

        // Not counted: the benchmark's check that every change was applied (the device learns it on its next pull).
        var receipt = await inbox.GetBatchAsync(deviceId, batchId, cancellationToken)
            ?? throw new InvalidOperationException($"Batch {batchId} is not in the inbox.");
        var notApplied = receipt.Outcomes.Where(o => o.Status != ChangeStatus.Applied).ToList();
        if (receipt.Status != BatchStatus.Completed || receipt.Outcomes.Count != changes.Count || notApplied.Count > 0)
        {
            throw new InvalidOperationException($"Batch {batchId} is {receipt.Status} with {receipt.Outcomes.Count} outcomes, {notApplied.Count} not applied"
                + (notApplied.Count > 0 ? $" (first: {notApplied[0].Id} {notApplied[0].Status} {notApplied[0].Reason}: {notApplied[0].Message})" : "") + ".");
        }
        foreach (var o in receipt.Outcomes)
        {
            versions[o.Id] = o.Version!.Value;
        }

        // The fan-out the writes queued.
        var (changed, evaluated) = await DrainAsync(fanOut, maintainer, changesQueue, scopesQueue, cost.RecordChange, cost.ScopeEvaluation, cancellationToken);
        cost.Batches++;
        cost.Changes += receipt.Outcomes.Count;
        cost.PushMessages += messages.Length;
        cost.RecordChangeMessages += changed;
        cost.ScopeEvaluationMessages += evaluated;
        return applyTime;
    }

    /// <summary>
    /// A dispatcher edits the work orders (a non-lookup column) through the records API, each write with its own
    /// fan-out, which is drained; the tablet takes the new versions. Counted apart from the pushes (the caller's
    /// meter; the drain's own meters here are dropped).
    /// </summary>
    private static async Task DispatcherEditsAsync(RecordService records, FeedFanOut fanOut, ScopeMaintainer maintainer, QueueClient changesQueue, QueueClient scopesQueue,
        StorageTransactionCounter counter, IReadOnlyList<string> workOrders, Dictionary<string, long> versions, long sequence, int parallelism, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(workOrders, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["primaryincidentdescription"] = string.Create(CultureInfo.InvariantCulture, $"Dispatcher note {sequence}: unit does not reach set temperature."),
            };
            var result = await records.UpdateAsync(WorkOrderTable, id, VersionCondition.Any, values, "dispatcher", ct);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"The dispatcher's edit of {id} failed: {result.Outcome} {result.Detail}");
            }
            lock (versions)
            {
                versions[id] = result.Record!.Version;
            }
        });
        await DrainAsync(fanOut, maintainer, changesQueue, scopesQueue, new CostMeter(counter), new CostMeter(counter), cancellationToken);
    }

    private static PushChange Update(string id, long baseVersion, long sequence, int index)
    {
        // A technician's note, and every other change the priority too: neither is a lookup, so the work order stays
        // in the technician's bucket and nothing it points to moves.
        var values = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["instructions"] = string.Create(CultureInfo.InvariantCulture, $"Batch {sequence}, change {index}: customer asks to call 15 minutes ahead; side gate code 4711."),
        };
        if (index % 2 == 1)
        {
            values["priority"] = 1 + (int)((sequence + index) % 4);
        }
        return new PushChange
        {
            Action = ChangeAction.Update,
            Table = WorkOrderTable,
            Id = id,
            BaseVersion = baseVersion,
            Values = JsonSerializer.SerializeToElement(values),
        };
    }

    /// <summary>
    /// Runs the fan-out queues until both are empty, as their triggers would: record changes first, then scope
    /// evaluations, a trigger batch at a time, one message after the other. A receive that finds nothing is the
    /// triggers' idle polling and is not counted.
    /// </summary>
    private static async Task<(long RecordChanges, long ScopeEvaluations)> DrainAsync(FeedFanOut fanOut, ScopeMaintainer maintainer,
        QueueClient changesQueue, QueueClient scopesQueue, CostMeter changeMeter, CostMeter scopeMeter, CancellationToken cancellationToken)
    {
        long changes = 0, evaluations = 0;
        for (var pass = 0; pass < 10_000; pass++)
        {
            var start = changeMeter.Start();
            var changeMessages = (await changesQueue.ReceiveMessagesAsync(TriggerBatchSize, cancellationToken: cancellationToken)).Value;
            foreach (var message in changeMessages)
            {
                var change = JsonSerializer.Deserialize<RecordChangedMessage>(message.Body.ToString(), MessageJson)!;
                await fanOut.RecordsChangedAsync(change.Records, cancellationToken);
                await changesQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
            if (changeMessages.Length > 0)
            {
                changeMeter.Stop(start);
            }
            start = scopeMeter.Start();
            var scopeMessages = (await scopesQueue.ReceiveMessagesAsync(TriggerBatchSize, cancellationToken: cancellationToken)).Value;
            foreach (var message in scopeMessages)
            {
                var work = JsonSerializer.Deserialize<ScopeEvaluationMessage>(message.Body.ToString(), MessageJson)!;
                await maintainer.HandleAsync(work, cancellationToken);
                await scopesQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
            if (scopeMessages.Length > 0)
            {
                scopeMeter.Stop(start);
            }
            changes += changeMessages.Length;
            evaluations += scopeMessages.Length;
            if (changeMessages.Length == 0 && scopeMessages.Length == 0)
            {
                return (changes, evaluations);
            }
        }
        throw new InvalidOperationException("The fan-out queues did not drain.");
    }
}

/// <summary>What pushed batches cost, by step: the push request, the push trigger, and the two fan-out triggers.</summary>
internal sealed class PushCost(StorageTransactionCounter counter)
{
    public CostMeter Accept { get; } = new(counter);
    public CostMeter Apply { get; } = new(counter);
    public CostMeter RecordChange { get; } = new(counter);
    public CostMeter ScopeEvaluation { get; } = new(counter);
    public int Batches { get; set; }
    public long Changes { get; set; }
    public long PushMessages { get; set; }
    public long RecordChangeMessages { get; set; }
    public long ScopeEvaluationMessages { get; set; }

    public long FanOut => RecordChange.Total + ScopeEvaluation.Total;
    public long Total => Accept.Total + Apply.Total + FanOut;

    public double PerChange(long transactions) => Changes == 0 ? double.NaN : (double)transactions / Changes;

    public IReadOnlyDictionary<string, long> FanOutByOperation => Sum(RecordChange, ScopeEvaluation);
    public IReadOnlyDictionary<string, long> TotalByOperation => Sum(Accept, Apply, RecordChange, ScopeEvaluation);

    private static Dictionary<string, long> Sum(params CostMeter[] meters)
        => meters.SelectMany(m => m.ByOperation).GroupBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value), StringComparer.Ordinal);
}

/// <summary>Storage transactions of spans of work, by operation, summed over the spans (the counter is never reset).</summary>
internal sealed class CostMeter(StorageTransactionCounter counter)
{
    private readonly Dictionary<string, long> byOperation = new(StringComparer.Ordinal);

    public long Total { get; private set; }

    public IReadOnlyDictionary<string, long> ByOperation => byOperation;

    public Snapshot Start() => new(counter.Total, counter.ByOperation);

    public void Stop(Snapshot start)
    {
        Total += counter.Total - start.Total;
        foreach (var (operation, count) in counter.ByOperation)
        {
            var delta = count - start.ByOperation.GetValueOrDefault(operation);
            if (delta != 0)
            {
                byOperation[operation] = byOperation.GetValueOrDefault(operation) + delta;
            }
        }
    }

    internal readonly record struct Snapshot(long Total, IReadOnlyDictionary<string, long> ByOperation);
}
