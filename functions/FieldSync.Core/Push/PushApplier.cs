using System.Text.Json;
using FieldSync.Core.Records;
using FieldSync.Core.SyncErrors;
using Microsoft.Extensions.Logging;

namespace FieldSync.Core.Push;

/// <summary>
/// Applies a device's inbox, batch after batch in the device's sequence order, through the same record write
/// path as the records API (versions, fan-out and removals follow). Conflicts are decided per record, never
/// per field: the record changed on the server since the version the device saw. Conflict detection No (the
/// default): the device wins. Yes: the server wins, the change is rejected and a Conflict sync error written.
/// Re-running after a crash is safe: a change that already produced the current version is recognised by its
/// change id and not applied again; the head moves only when a batch's outcomes are stored.
/// </summary>
public sealed class PushApplier(
    IInbox inbox,
    PushRules rules,
    RecordService records,
    IRecordStore store,
    IRecordChangeNotifier notifier,
    ISyncErrorStore syncErrors,
    Microsoft.Extensions.Options.IOptionsMonitor<Sync.SyncOptions> options,
    TimeProvider clock,
    ILogger<PushApplier> logger)
{
    private const int WriteAttempts = 5;

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
            var outcomes = await ApplyBatchAsync(batch, cancellationToken);
            // The head may have moved (a batch accepted meanwhile); complete on a fresh read while the lease is ours.
            for (var attempt = 0; attempt < 5; attempt++)
            {
                if (await inbox.CompleteAsync(batch, BatchStatus.Completed, outcomes, head, cancellationToken))
                {
                    completed++;
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
                    $"the batch could not be processed ({reason}); it is kept in the device's inbox for an admin."), ChangeStatus.Rejected, null, cancellationToken));
            }
            if (await inbox.CompleteAsync(batch, BatchStatus.Failed, outcomes, head, cancellationToken))
            {
                logger.LogWarning("Batch {Sequence} of {Device} set aside after repeated failures: {Reason}", batch.Sequence, deviceId, reason);
                return true;
            }
        }
        return false;
    }

    private async Task<List<ChangeOutcome>> ApplyBatchAsync(InboxBatch batch, CancellationToken cancellationToken)
    {
        var view = await rules.ViewAsync(batch.UserId, cancellationToken);
        await rules.PreloadAsync(view, batch.Changes, cancellationToken);
        var outcomes = new List<ChangeOutcome>(batch.Changes.Count);
        var fanOut = new List<ChangedRecord>();
        for (var i = 0; i < batch.Changes.Count; i++)
        {
            outcomes.Add(await ApplyChangeAsync(view, batch, i, fanOut, cancellationToken));
        }
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
        return outcomes;
    }

    private static string ChangeId(InboxBatch batch, int index) => $"{batch.DeviceId}|{batch.Sequence}|{index}";

    private async Task<ChangeOutcome> ApplyChangeAsync(PushRules.UserView view, InboxBatch batch, int index, List<ChangedRecord> fanOut, CancellationToken cancellationToken)
    {
        var change = batch.Changes[index];
        var changeId = ChangeId(batch, index);
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(change.Table, change.Id, cancellationToken);
            if (ChangeHistory.TryFind(current?.Record.ChangeId, changeId, out var producedVersion))
            {
                // A re-run: this change was applied before (perhaps followed by the device's later changes). Its
                // fan-out may not have been sent: send it again (the fan-out reads the marker, if one is left).
                fanOut.Add(new ChangedRecord(change.Table, change.Id));
                return new ChangeOutcome { Index = index, Table = change.Table, Id = change.Id, Status = ChangeStatus.Applied, Version = producedVersion };
            }
            var later = batch.Changes.Skip(index + 1).ToList();
            var (problem, values) = await rules.CheckAsync(view, change, later, batch.DeviceId, _ => Task.FromResult(current), cancellationToken);
            if (problem is not null)
            {
                var status = problem.Type == SyncErrorType.Validation ? ChangeStatus.Invalid : ChangeStatus.Rejected;
                return await ProblemAsync(batch, index, problem, status, current?.Record is { Deleted: false } r ? r : null, cancellationToken);
            }
            var live = current is { Record.Deleted: false } ? current.Record : null;
            // Written on the record just read (no second read) and fanned out with the whole batch.
            var write = new DeviceWrite(changeId, current, fanOut);
            RecordResult result;
            switch (change.Action)
            {
                case ChangeAction.Create:
                    if (live is not null)
                    {
                        return await ProblemAsync(batch, index, new ChangeProblem(SyncErrorType.Conflict, "AlreadyExists", "id",
                            "a record with this id already exists on the server."), ChangeStatus.Rejected, live, cancellationToken);
                    }
                    result = await records.CreateAsync(change.Table, change.Id, values!, batch.UserId, cancellationToken, write);
                    break;
                default:
                    if (live is null)
                    {
                        return await ProblemAsync(batch, index, new ChangeProblem(SyncErrorType.RecordNotFound, "RecordNotFound", "id",
                            "the record was deleted on the server (Record Not Found)."), ChangeStatus.Rejected, null, cancellationToken);
                    }
                    if (live.Version != change.BaseVersion && options.CurrentValue.ConflictDetectionFor(view.Profile))
                    {
                        return await ProblemAsync(batch, index, new ChangeProblem(SyncErrorType.Conflict, "Conflict", "baseVersion",
                            $"the record changed on the server (version {live.Version}) since the device's version {change.BaseVersion}; the server's record was kept."),
                            ChangeStatus.Rejected, live, cancellationToken);
                    }
                    // Write on the version just read: the conflict decision above stays true for what is written.
                    var condition = new VersionCondition(live.Version);
                    result = change.Action == ChangeAction.Update
                        ? await records.UpdateAsync(change.Table, change.Id, condition, values!, batch.UserId, cancellationToken, write)
                        : await records.DeleteAsync(change.Table, change.Id, condition, batch.UserId, cancellationToken, write);
                    break;
            }
            if (result.Succeeded)
            {
                return Applied(index, change, result.Record!);
            }
            if (result.Outcome is RecordOutcome.PreconditionFailed or RecordOutcome.AlreadyExists && attempt < WriteAttempts)
            {
                continue; // a dispatcher wrote in between: decide again on the new version
            }
            var type = result.Outcome == RecordOutcome.Invalid ? SyncErrorType.Validation : SyncErrorType.Other;
            return await ProblemAsync(batch, index, new ChangeProblem(type, result.Outcome.ToString(), "",
                result.Detail ?? string.Join(" ", result.Errors?.Select(e => e.Message) ?? [])),
                type == SyncErrorType.Validation ? ChangeStatus.Invalid : ChangeStatus.Rejected, result.Record, cancellationToken);
        }
    }

    private static ChangeOutcome Applied(int index, PushChange change, Record record)
        => new() { Index = index, Table = change.Table, Id = change.Id, Status = ChangeStatus.Applied, Version = record.Version };

    private async Task<ChangeOutcome> ProblemAsync(InboxBatch batch, int index, ChangeProblem problem, ChangeStatus status, Record? current, CancellationToken cancellationToken)
    {
        var change = batch.Changes[index];
        var serverData = current is null ? null : Sync.RecordDocuments.ToJson(current);
        var error = await syncErrors.AddAsync(new SyncError(
            ChangeId(batch, index), batch.AcceptedOn, problem.Type, problem.Code, problem.Message, batch.UserId, batch.DeviceId,
            change.Table, change.Id, change.Action.ToString().ToLowerInvariant(), change.Values?.GetRawText(), serverData, batch.BatchId), cancellationToken);
        return new ChangeOutcome
        {
            Index = index,
            Table = change.Table,
            Id = change.Id,
            Status = status,
            Reason = problem.Type.ToString(),
            Message = problem.Message,
            Current = serverData is null ? null : JsonDocument.Parse(serverData).RootElement.Clone(),
            SyncErrorId = error.Id,
        };
    }
}
