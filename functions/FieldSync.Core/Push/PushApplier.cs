using System.Text.Json;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.SyncErrors;
using Microsoft.Extensions.Logging;

namespace FieldSync.Core.Push;

/// <summary>
/// Applies a device's inbox, batch after batch in the device's sequence order. Writes are prepared by
/// <see cref="RecordService"/> as records API writes are (validation, versions, system fields) and stored with
/// their fan-out markers, so the change feed and removals follow. Conflicts are decided per record, never per
/// field: the record changed on the server since the version the device saw. Conflict detection No (the
/// default): the device wins. Yes: the server wins, the change is rejected and a Conflict sync error written.
/// Re-running after a crash is safe: a change found in its record's change history was applied and is not
/// applied again; the head moves only when a batch's outcomes are stored.
/// </summary>
public sealed class PushApplier(
    IInbox inbox,
    PushRules rules,
    RecordService records,
    IRecordStore store,
    Schema.SchemaCatalog schema,
    Sync.IFeedStore feed,
    IRecordChangeNotifier notifier,
    ISyncErrorStore syncErrors,
    Microsoft.Extensions.Options.IOptionsMonitor<Sync.SyncOptions> options,
    TimeProvider clock,
    ILogger<PushApplier> logger,
    Telemetry.ISyncTelemetry? telemetry = null,
    Sync.ScopeMaintainer? maintainer = null)
{
    private readonly Telemetry.ISyncTelemetry telemetry = telemetry ?? Telemetry.NullSyncTelemetry.Instance;

    private const int WriteAttempts = 5;

    /// <summary>
    /// The server records a receipt carries (<see cref="ChangeOutcome.Current"/>), at most: the receipt is stored with
    /// the batch and answered whole, so it stays bounded whatever the records' sizes (up to 900 KiB each).
    /// </summary>
    public const int MaxCurrentBytesPerReceipt = 1024 * 1024;

    /// <summary>How long a worker holds a device's apply lease; renewed before every batch.</summary>
    public static readonly TimeSpan LeaseFor = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Applies the device's waiting batches in sequence order. One worker per device at a time (a lease on the
    /// inbox head): a duplicated or concurrent message finds the lease taken and leaves the work to its holder,
    /// which keeps going until nothing is waiting, checking once more after giving the lease up.
    /// </summary>
    public async Task<int> ApplyDeviceAsync(string deviceId, CancellationToken cancellationToken)
    {
        var owner = Guid.NewGuid().ToString("N");
        var completed = 0;
        for (var guard = 0; guard < 10_000; guard++)
        {
            var now = clock.GetUtcNow();
            var head = await inbox.TryLeaseAsync(deviceId, owner, now, now + LeaseFor, cancellationToken);
            if (head is null)
            {
                return completed; // another worker holds the lease (or nothing was ever pushed)
            }
            var batch = await inbox.NextPendingAsync(deviceId, head.ProcessedSequence, cancellationToken);
            if (batch is null)
            {
                await inbox.ReleaseAsync(deviceId, owner, cancellationToken);
                // A batch accepted while we were giving up the lease would have found it taken: look once more.
                var after = await inbox.GetHeadAsync(deviceId, cancellationToken);
                if (after.AcceptedSequence > after.ProcessedSequence && await inbox.NextPendingAsync(deviceId, after.ProcessedSequence, cancellationToken) is not null)
                {
                    continue;
                }
                await inbox.ClearWaitingAsync(deviceId, after.ProcessedSequence, cancellationToken);
                return completed;
            }
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var (outcomes, report) = await ApplyBatchAsync(batch, cancellationToken);
            // The head may have moved (a batch accepted meanwhile); complete on a fresh read while the lease is ours.
            for (var attempt = 0; attempt < 5; attempt++)
            {
                if (await inbox.CompleteAsync(batch, BatchStatus.Completed, outcomes, head, cancellationToken))
                {
                    completed++;
                    ReportApplied(batch, outcomes, report, System.Diagnostics.Stopwatch.GetElapsedTime(started));
                    logger.LogInformation("Applied batch {Sequence} of {Device}: {Applied} applied, {Rejected} rejected, {Invalid} invalid",
                        batch.Sequence, deviceId, outcomes.Count(o => o.Status == ChangeStatus.Applied),
                        outcomes.Count(o => o.Status == ChangeStatus.Rejected), outcomes.Count(o => o.Status == ChangeStatus.Invalid));
                    break;
                }
                head = await inbox.GetHeadAsync(deviceId, cancellationToken);
                if (head.LeaseOwner != owner || head.ProcessedSequence >= batch.Sequence)
                {
                    break;
                }
            }
        }
        throw new InvalidOperationException($"The inbox of {deviceId} did not drain.");
    }

    /// <summary>
    /// For a batch that kept failing (poison): every change without an outcome is reported as a sync error of
    /// type Other and the batch is set aside as Failed — still in the inbox — so the device's later batches
    /// are not held up behind it.
    /// </summary>
    public async Task<bool> SetAsideAsync(string deviceId, string reason, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var head = await inbox.GetHeadAsync(deviceId, cancellationToken);
            var batch = await inbox.NextPendingAsync(deviceId, head.ProcessedSequence, cancellationToken);
            if (batch is null)
            {
                return false;
            }
            var outcomes = new List<ChangeOutcome>();
            for (var i = 0; i < batch.Changes.Count; i++)
            {
                var change = batch.Changes[i];
                var current = await store.GetAsync(change.Table, change.Id, cancellationToken);
                if (ChangeHistory.TryFind(current?.Record.ChangeId, ChangeId(batch, i), out var produced))
                {
                    outcomes.Add(new ChangeOutcome { Index = i, Table = change.Table, Id = change.Id, Status = ChangeStatus.Applied, Version = produced });
                    continue;
                }
                outcomes.Add(await ProblemAsync(batch, i, new ChangeProblem(SyncErrorType.Other, "BatchFailed", "",
                    $"the batch could not be processed ({reason}); it is kept in the device's inbox for an admin."), ChangeStatus.Rejected, null, false, cancellationToken));
            }
            if (await inbox.CompleteAsync(batch, BatchStatus.Failed, outcomes, head, cancellationToken))
            {
                logger.LogWarning("Batch {Sequence} of {Device} set aside after repeated failures: {Reason}", batch.Sequence, deviceId, reason);
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Applies one batch: reads every record it touches (in parallel), decides every change in the device's order
    /// on those records as the batch leaves them, then writes each run of same-table records in one transaction
    /// with their fan-out markers. A transaction that fails because a record was written meanwhile writes nothing,
    /// and the changes of its records are applied again one by one on fresh reads. One fan-out message at the end.
    /// </summary>
    private async Task<(List<ChangeOutcome> Outcomes, BatchJudge Report)> ApplyBatchAsync(InboxBatch batch, CancellationToken cancellationToken)
    {
        var view = await rules.ViewAsync(batch.UserId, cancellationToken);
        if (view.UserHead is { State: not Sync.ScopeState.Live } && maintainer is not null)
        {
            // The cleanup retired the user's scope (no device was left) and a device came back with uploads: they are
            // judged on the scope built again, as its first sync would build it, not on what is left of the old one.
            await maintainer.EnsureScopesAsync(batch.UserId, cancellationToken, batch.DeviceId);
            view = await rules.ViewAsync(batch.UserId, cancellationToken);
        }
        var fanOut = new List<ChangedRecord>();
        var judge = new BatchJudge(new OfflineData(view, feed, store, clock.GetUtcNow()), view);
        // Every record the batch touches is read at once, and judged as soon as it is there: the reads of the rows
        // the judgement needs (the bookings of a batch of work orders) overlap with the batch's own reads.
        var keys = batch.Changes.Select(c => (c.Table, c.Id)).Distinct().ToList();
        var reads = keys.Select(key => judge.Data.StoredAsync(key.Table, key.Id, cancellationToken)).ToList();
        await judge.Data.PrefetchAsync(keys, cancellationToken);
        var read = await Task.WhenAll(reads);
        var stored = keys.Select((key, k) => (key, read[k])).ToDictionary(x => x.key, x => x.Item2);
        // Then the rows the lookups the batch writes point to, which depend on the records just read.
        await judge.Data.PrefetchAsync(LookupTargets(batch.Changes, stored), cancellationToken);
        var plan = new BatchPlan(stored, schema);
        var decisions = new Decision[batch.Changes.Count];
        for (var i = 0; i < batch.Changes.Count; i++)
        {
            var change = batch.Changes[i];
            decisions[i] = await DecideAsync(judge, batch, i, plan.Current(change.Table, change.Id), cancellationToken);
            if (decisions[i] is Write write)
            {
                plan.Planned(write.Next, i);
                judge.Wrote(change, write.Next);
            }
        }

        var outcomes = new ChangeOutcome[batch.Changes.Count];
        // Records of a run someone wrote to meanwhile: all their changes are decided again, one by one.
        var redo = new HashSet<(string Table, string Id)>();
        foreach (var run in plan.Runs())
        {
            var written = await store.TryWriteAllAsync([.. run.Select(p => new RecordWrite(p.Next, p.Stored))], cancellationToken);
            if (written is null)
            {
                redo.UnionWith(run.Select(p => (p.Next.Table, p.Next.Id)));
                continue;
            }
            for (var r = 0; r < run.Count; r++)
            {
                fanOut.Add(new ChangedRecord(run[r].Next.Table, run[r].Next.Id, written[r].MarkerETag));
                foreach (var i in run[r].Changes)
                {
                    outcomes[i] = Applied(i, batch.Changes[i], ((Write)decisions[i]).Next);
                }
            }
        }
        for (var i = 0; i < batch.Changes.Count; i++)
        {
            if (redo.Contains((batch.Changes[i].Table, batch.Changes[i].Id)))
            {
                outcomes[i] = await ApplyChangeAsync(judge, batch, i, fanOut, cancellationToken);
            }
            else if (decisions[i] is AlreadyApplied applied)
            {
                // A re-run: this change was applied before (perhaps followed by the device's later changes). Its
                // fan-out may not have been sent: send it again (the fan-out reads the marker, if one is left).
                fanOut.Add(new ChangedRecord(batch.Changes[i].Table, batch.Changes[i].Id));
                outcomes[i] = new ChangeOutcome { Index = i, Table = batch.Changes[i].Table, Id = batch.Changes[i].Id, Status = ChangeStatus.Applied, Version = applied.Version };
            }
            else if (decisions[i] is Refused refused)
            {
                outcomes[i] = await ProblemAsync(batch, i, refused.Problem, refused.Status, refused.Server, refused.Shown, cancellationToken);
            }
        }
        LimitCurrent(outcomes);

        // One fan-out message for the whole batch. Best effort: each write left its marker, which the sweeper finds.
        if (fanOut.Count > 0)
        {
            try
            {
                await notifier.RecordsChangedAsync(fanOut, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Fan-out of batch {Sequence} of {Device} not queued; the sweeper will send it", batch.Sequence, batch.DeviceId);
            }
        }
        return ([.. outcomes], judge);
    }

    /// <summary>
    /// The batch's telemetry, once it is completed: its outcome counts and delay (the event and metrics), and one
    /// Conflict event per change that met a newer server version, with who won.
    /// </summary>
    private void ReportApplied(InboxBatch batch, List<ChangeOutcome> outcomes, BatchJudge judge, TimeSpan took)
    {
        var detection = options.CurrentValue.ConflictDetectionFor(judge.View.Profile);
        var applied = outcomes.Count(o => o.Status == ChangeStatus.Applied);
        var rejected = outcomes.Count(o => o.Status == ChangeStatus.Rejected);
        var invalid = outcomes.Count(o => o.Status == ChangeStatus.Invalid);
        var delay = (clock.GetUtcNow() - batch.AcceptedOn).TotalMilliseconds;
        telemetry.Track(new Telemetry.TelemetryEvent(Telemetry.TelemetryNames.Events.PushApplied)
            .User(batch.UserId)
            .Dimension(Telemetry.TelemetryNames.Dimensions.DeviceInfoId, batch.DeviceId)
            .Dimension(Telemetry.TelemetryNames.Dimensions.BatchId, batch.BatchId)
            .Dimension(Telemetry.TelemetryNames.Dimensions.ConflictDetection, detection)
            .Measure(Telemetry.TelemetryNames.Measurements.Applied, applied)
            .Measure(Telemetry.TelemetryNames.Measurements.Rejected, rejected)
            .Measure(Telemetry.TelemetryNames.Measurements.Invalid, invalid)
            .Measure(Telemetry.TelemetryNames.Measurements.AcceptToAppliedMs, delay)
            .Measure(Telemetry.TelemetryNames.Measurements.DurationMs, took.TotalMilliseconds));
        telemetry.Metric(Telemetry.TelemetryNames.Metrics.AppliedChanges, applied, (Telemetry.TelemetryNames.Dimensions.Outcome, Telemetry.TelemetryNames.Outcomes.Applied));
        telemetry.Metric(Telemetry.TelemetryNames.Metrics.AppliedChanges, rejected, (Telemetry.TelemetryNames.Dimensions.Outcome, Telemetry.TelemetryNames.Outcomes.Rejected));
        telemetry.Metric(Telemetry.TelemetryNames.Metrics.AppliedChanges, invalid, (Telemetry.TelemetryNames.Dimensions.Outcome, Telemetry.TelemetryNames.Outcomes.Invalid));
        telemetry.Metric(Telemetry.TelemetryNames.Metrics.PushAcceptToApplied, delay);
        foreach (var (index, resolution) in judge.Conflicts)
        {
            var change = batch.Changes[index];
            telemetry.Track(new Telemetry.TelemetryEvent(Telemetry.TelemetryNames.Events.Conflict)
                .User(batch.UserId)
                .Dimension(Telemetry.TelemetryNames.Dimensions.EntityName, change.Table)
                .Dimension(Telemetry.TelemetryNames.Dimensions.RecordId, change.Id)
                .Dimension(Telemetry.TelemetryNames.Dimensions.ConflictDetection, detection)
                .Dimension(Telemetry.TelemetryNames.Dimensions.Resolution, resolution)
                .Dimension(Telemetry.TelemetryNames.Dimensions.DeviceInfoId, batch.DeviceId));
            telemetry.Metric(Telemetry.TelemetryNames.Metrics.Conflicts, 1,
                (Telemetry.TelemetryNames.Dimensions.EntityName, change.Table), (Telemetry.TelemetryNames.Dimensions.Resolution, resolution));
        }
    }

    /// <summary>The rows the lookups the batch's changes write point to: an update's new values, and any value of a create.</summary>
    private List<(string Table, string Id)> LookupTargets(IReadOnlyList<PushChange> changes, Dictionary<(string Table, string Id), StoredRecord?> stored)
    {
        var targets = new List<(string Table, string Id)>();
        foreach (var change in changes)
        {
            if (change.Action == ChangeAction.Delete || !records.Schema.TryGetTable(change.Table, out var table) || rules.Validate(change).Values is not { } values)
            {
                continue;
            }
            var before = change.Action == ChangeAction.Update ? stored[(change.Table, change.Id)]?.Record : null;
            foreach (var lookup in table.Lookups)
            {
                if (values.GetValueOrDefault(lookup.Name) is string target && target != before?.Values.GetValueOrDefault(lookup.Name) as string)
                {
                    targets.Add((lookup.Target!, target));
                }
            }
        }
        return targets;
    }

    private static string ChangeId(InboxBatch batch, int index) => $"{batch.DeviceId}|{batch.Sequence}|{index}";

    /// <summary>What to do with one change, decided on the record as storage (or the batch so far) holds it.</summary>
    private abstract record Decision;

    /// <summary>A re-run: the record's change history shows this change produced <see cref="Version"/>.</summary>
    private sealed record AlreadyApplied(long Version) : Decision;

    /// <summary>Not applied. <see cref="Server"/> goes to the sync error (admins); the outcome shows it only when <see cref="Shown"/>.</summary>
    private sealed record Refused(ChangeProblem Problem, ChangeStatus Status, Record? Server, bool Shown) : Decision;

    private sealed record Write(Record Next) : Decision;

    /// <summary>The batch's judgement of the technician's data, and the records its changes created so far.</summary>
    private sealed class BatchJudge(OfflineData data, PushRules.UserView view)
    {
        private readonly HashSet<(string Table, string Id)> created = [];

        public OfflineData Data { get; } = data;

        public PushRules.UserView View { get; } = view;

        /// <summary>Changes that met a newer server version, by index, and who won (decided again: the last decision counts).</summary>
        public Dictionary<int, string> Conflicts { get; } = [];

        public void Wrote(PushChange change, Record next)
        {
            Data.Known(next.Table, next.Id, next);
            if (change.Action == ChangeAction.Create)
            {
                created.Add((next.Table, next.Id));
            }
        }

        /// <summary>A row the batch created: the device may point its lookups at it before anything else refers to it.</summary>
        public bool Created(string table, string id) => created.Contains((table, id));
    }

    private async Task<Decision> DecideAsync(BatchJudge judge, InboxBatch batch, int index, Record? current, CancellationToken cancellationToken)
    {
        var change = batch.Changes[index];
        var changeId = ChangeId(batch, index);
        // Decided again (a write in between): only this decision's conflict counts.
        judge.Conflicts.Remove(index);
        if (ChangeHistory.TryFind(current?.ChangeId, changeId, out var producedVersion))
        {
            return new AlreadyApplied(producedVersion);
        }
        var live = current is { Deleted: false } ? current : null;
        // Nothing of a record the technician may not read now goes into the outcome (the admins' sync error keeps it).
        var shown = live is not null && await judge.Data.HoldsAsync(change.Table, live, cancellationToken);
        var (invalid, values) = rules.Validate(change);
        if (invalid is not null)
        {
            return new Refused(invalid, ChangeStatus.Invalid, live, shown);
        }
        if (PushRules.Permitted(judge.View, change) is { } denied)
        {
            return new Refused(denied, ChangeStatus.Rejected, live, shown);
        }
        RecordResult prepared;
        if (change.Action == ChangeAction.Create)
        {
            if (live is not null)
            {
                return new Refused(new ChangeProblem(SyncErrorType.Conflict, "AlreadyExists", "id", shown
                    ? "a record with this id already exists on the server."
                    : "the id is taken; create the record with another id."), ChangeStatus.Rejected, live, shown);
            }
            prepared = records.PrepareCreate(change.Table, change.Id, values!, current, batch.UserId, changeId);
        }
        else
        {
            if (live is null)
            {
                return new Refused(new ChangeProblem(SyncErrorType.RecordNotFound, "RecordNotFound", "id", "the record was deleted on the server (Record Not Found)."), ChangeStatus.Rejected, null, false);
            }
            if (!shown)
            {
                return new Refused(new ChangeProblem(SyncErrorType.Permission, "OutsideOfflineData", "id",
                    "the record is not in your offline data (it left it meanwhile, or never was in it)."), ChangeStatus.Rejected, live, false);
            }
            if (change.BaseVersion > live.Version)
            {
                return new Refused(new ChangeProblem(SyncErrorType.Validation, "VersionFromTheFuture", "baseVersion",
                    $"baseVersion {change.BaseVersion} is newer than the server's version {live.Version}; versions come from the server."), ChangeStatus.Invalid, live, true);
            }
            if (live.Version != change.BaseVersion)
            {
                // A conflict. Detection on: the server's record stays; off (the default): the device's change is applied over it.
                var detection = options.CurrentValue.ConflictDetectionFor(judge.View.Profile);
                judge.Conflicts[index] = detection ? Telemetry.TelemetryNames.Resolutions.ServerWins : Telemetry.TelemetryNames.Resolutions.DeviceWins;
                if (detection)
                {
                    return new Refused(new ChangeProblem(SyncErrorType.Conflict, "Conflict", "baseVersion",
                        $"the record changed on the server (version {live.Version}) since the device's version {change.BaseVersion}; the server's record was kept."),
                        ChangeStatus.Rejected, live, true);
                }
            }
            prepared = change.Action == ChangeAction.Update
                ? records.PrepareUpdate(live, values!, batch.UserId, changeId)
                : records.PrepareDelete(live, batch.UserId, changeId);
        }
        if (!prepared.Succeeded)
        {
            var type = prepared.Outcome == RecordOutcome.Invalid ? SyncErrorType.Validation : SyncErrorType.Other;
            return new Refused(new ChangeProblem(type, prepared.Outcome.ToString(), "", prepared.Detail ?? string.Join(" ", prepared.Errors?.Select(e => e.Message) ?? [])),
                type == SyncErrorType.Validation ? ChangeStatus.Invalid : ChangeStatus.Rejected, live, shown);
        }
        var next = prepared.Record!;
        if (change.Action != ChangeAction.Delete && await LookupOutsideAsync(judge, next, live, cancellationToken) is { } outside)
        {
            return new Refused(outside, ChangeStatus.Rejected, live, shown);
        }
        if (change.Action == ChangeAction.Create && !await judge.Data.HoldsAsync(change.Table, next, cancellationToken)
            && !ReferredByLaterChange(judge.View, batch, index))
        {
            return new Refused(new ChangeProblem(SyncErrorType.Permission, "OutsideOfflineData", "",
                "the new record would not be in your offline data (check its lookups against your profile)."), ChangeStatus.Rejected, null, false);
        }
        return new Write(next);
    }

    /// <summary>
    /// A lookup the change writes (a create's, or an update's new value) that points outside what the technician may
    /// read: their data, the profile's shared data or a row their batch created. Such a value would pull another
    /// technician's rows into their data (a booking pointed at someone else's work order) or put a row into someone
    /// else's. A lookup left as it was changes nothing, so it is not judged again.
    /// </summary>
    private async Task<ChangeProblem?> LookupOutsideAsync(BatchJudge judge, Record next, Record? before, CancellationToken cancellationToken)
    {
        foreach (var lookup in records.Schema.Tables[next.Table].Lookups)
        {
            if (next.Values.GetValueOrDefault(lookup.Name) is not string target || target == before?.Values.GetValueOrDefault(lookup.Name) as string
                || judge.Created(lookup.Target!, target) || await judge.Data.MayReadAsync(lookup.Target!, target, cancellationToken))
            {
                continue;
            }
            return new ChangeProblem(SyncErrorType.Permission, "LookupOutsideOfflineData", $"values.{lookup.Name}",
                $"'{lookup.Name}' points to a {lookup.Target} that is not in your offline data.");
        }
        return null;
    }

    /// <summary>A later change of the batch points to the new record (a booking of this batch moved to a new work order).</summary>
    private static bool ReferredByLaterChange(PushRules.UserView view, InboxBatch batch, int index)
    {
        var change = batch.Changes[index];
        return view.Profile.Tables.TryGetValue(change.Table, out var rule) && rule.RelatedTo.Any(relationship => relationship.Direction == RelationshipDirection.ReferencedBy
            && batch.Changes.Skip(index + 1).Any(o => o.Table == relationship.OtherTable && o.Action != ChangeAction.Delete
                && o.Values is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty(relationship.LookupColumn, out var link)
                && link.ValueKind == JsonValueKind.String && link.GetString() == change.Id));
    }

    /// <summary>
    /// Applies one change on its own: reads the record, decides, and writes on the version just read (If-Match), so
    /// the decision stays true for what is written; a write in between makes it read and decide again.
    /// </summary>
    private async Task<ChangeOutcome> ApplyChangeAsync(BatchJudge judge, InboxBatch batch, int index, List<ChangedRecord> fanOut, CancellationToken cancellationToken)
    {
        var change = batch.Changes[index];
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(change.Table, change.Id, cancellationToken);
            judge.Data.Known(change.Table, change.Id, current?.Record);
            switch (await DecideAsync(judge, batch, index, current?.Record, cancellationToken))
            {
                case AlreadyApplied applied:
                    fanOut.Add(new ChangedRecord(change.Table, change.Id));
                    return new ChangeOutcome { Index = index, Table = change.Table, Id = change.Id, Status = ChangeStatus.Applied, Version = applied.Version };
                case Refused refused:
                    return await ProblemAsync(batch, index, refused.Problem, refused.Status, refused.Server, refused.Shown, cancellationToken);
                case Write write:
                    var written = current is null
                        ? await store.TryInsertAsync(write.Next, cancellationToken)
                        : await store.TryReplaceAsync(write.Next, current, cancellationToken);
                    if (written.Written)
                    {
                        judge.Wrote(change, write.Next);
                        fanOut.Add(new ChangedRecord(write.Next.Table, write.Next.Id, written.MarkerETag));
                        return Applied(index, change, write.Next);
                    }
                    if (attempt >= WriteAttempts)
                    {
                        var shown = await judge.Data.HoldsAsync(change.Table, current?.Record, cancellationToken);
                        return await ProblemAsync(batch, index, new ChangeProblem(SyncErrorType.Other, "KeptChanging", "",
                            $"the record kept changing on the server during {WriteAttempts} attempts to apply the change."), ChangeStatus.Rejected, current?.Record, shown, cancellationToken);
                    }
                    break; // a dispatcher wrote in between: decide again on the new version
            }
        }
    }

    /// <summary>
    /// The records a batch will write: per record, the stored ETag it was read with (null: a new id), its state
    /// after the batch's changes so far, and those changes. Runs are the records in the order of their first
    /// change, cut where the table changes or a transaction would be full.
    /// </summary>
    private sealed class BatchPlan(Dictionary<(string Table, string Id), StoredRecord?> stored, Schema.SchemaCatalog schema)
    {
        private readonly Dictionary<(string Table, string Id), PlannedRecord> planned = [];
        private readonly List<PlannedRecord> order = [];

        /// <summary>The record as the batch's changes so far leave it (the stored one before any).</summary>
        public Record? Current(string table, string id)
            => planned.TryGetValue((table, id), out var p) ? p.Next : stored[(table, id)]?.Record;

        public void Planned(Record next, int change)
        {
            var key = (next.Table, next.Id);
            if (!planned.TryGetValue(key, out var p))
            {
                p = new PlannedRecord(stored[key]);
                planned[key] = p;
                order.Add(p);
            }
            p.Next = next;
            p.Changes.Add(change);
        }

        public IEnumerable<List<PlannedRecord>> Runs()
        {
            var run = new List<PlannedRecord>();
            long bytes = 0;
            var actions = 0;
            foreach (var p in order)
            {
                var size = RecordService.EstimatedBytes(p.Next.Values) + 1024;
                // The record, its marker and the index entries its changed lookups and dates move.
                var needs = LookupIndex.ActionsOf(schema.Tables[p.Next.Table], p.Next, p.Stored?.Record);
                if (run.Count > 0 && (run[0].Next.Table != p.Next.Table || actions + needs > RecordWrite.MaxActionsPerTransaction || bytes + size > RecordWrite.MaxBytesPerTransaction))
                {
                    yield return run;
                    run = [];
                    bytes = 0;
                    actions = 0;
                }
                run.Add(p);
                bytes += size;
                actions += needs;
            }
            if (run.Count > 0)
            {
                yield return run;
            }
        }
    }

    private sealed class PlannedRecord(StoredRecord? stored)
    {
        /// <summary>The record as read before the batch (null: a new id); the write is conditional on its ETag.</summary>
        public StoredRecord? Stored { get; } = stored;
        public Record Next { get; set; } = null!;
        public List<int> Changes { get; } = [];
    }

    private static ChangeOutcome Applied(int index, PushChange change, Record record)
        => new() { Index = index, Table = change.Table, Id = change.Id, Status = ChangeStatus.Applied, Version = record.Version };

    private async Task<ChangeOutcome> ProblemAsync(InboxBatch batch, int index, ChangeProblem problem, ChangeStatus status, Record? current, bool shown,
        CancellationToken cancellationToken)
    {
        var change = batch.Changes[index];
        var serverData = current is null ? null : Sync.RecordDocuments.ToJson(current);
        var error = await syncErrors.AddAsync(new SyncError(
            ChangeId(batch, index), batch.AcceptedOn, problem.Type, problem.Code, problem.Message, batch.UserId, batch.DeviceId,
            change.Table, change.Id, change.Action.ToString().ToLowerInvariant(), change.Values?.GetRawText(), serverData, batch.BatchId), cancellationToken);
        telemetry.Track(new Telemetry.TelemetryEvent(Telemetry.TelemetryNames.Events.SyncError)
            .User(batch.UserId)
            .Dimension(Telemetry.TelemetryNames.Dimensions.SyncErrorType, problem.Type.ToString())
            .Dimension(Telemetry.TelemetryNames.Dimensions.ErrorCode, problem.Code)
            .Dimension(Telemetry.TelemetryNames.Dimensions.EntityName, change.Table)
            .Dimension(Telemetry.TelemetryNames.Dimensions.DeviceInfoId, batch.DeviceId));
        telemetry.Metric(Telemetry.TelemetryNames.Metrics.SyncErrors, 1, (Telemetry.TelemetryNames.Dimensions.SyncErrorType, problem.Type.ToString()));
        return new ChangeOutcome
        {
            Index = index,
            Table = change.Table,
            Id = change.Id,
            Status = status,
            Reason = problem.Type.ToString(),
            Message = problem.Message,
            Current = serverData is null || !shown ? null : JsonDocument.Parse(serverData).RootElement.Clone(),
            SyncErrorId = error.Id,
        };
    }

    /// <summary>
    /// Keeps the receipt bounded: the server records outcomes carry add up to at most
    /// <see cref="MaxCurrentBytesPerReceipt"/>; beyond that an outcome says where to read the record instead.
    /// </summary>
    private static void LimitCurrent(ChangeOutcome[] outcomes)
    {
        long bytes = 0;
        foreach (var outcome in outcomes)
        {
            if (outcome.Current is not { } current)
            {
                continue;
            }
            bytes += System.Text.Encoding.UTF8.GetByteCount(current.GetRawText());
            if (bytes > MaxCurrentBytesPerReceipt)
            {
                outcome.Current = null;
                outcome.Message += $" The server's record is left out: a receipt carries at most {MaxCurrentBytesPerReceipt / 1024} KiB of records; read it with GET /api/sync/records/{outcome.Table}/{outcome.Id}.";
            }
        }
    }
}
