using System.Text.Json;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Sync;

namespace FieldSync.Core.Push;

public sealed record PushRequest(string DeviceId, string BatchId, long Sequence, IReadOnlyList<PushChange> Changes);

public enum PushFailure
{
    None,
    Invalid,
    DeviceOfOtherUser,
    SequenceNotIncreasing,
    /// <summary>The batch id was accepted before with other content (a client bug): nothing is stored.</summary>
    BatchIdReused,
    /// <summary>Other pushes of the device kept changing its inbox: nothing is stored; retry after a moment.</summary>
    Busy,
}

public sealed record PushOutcome(InboxBatch? Batch, bool Duplicate, PushFailure Failure, string? Detail, IReadOnlyList<FieldError>? Errors = null);

/// <summary>
/// Accepts a device's batch of offline changes: validates all of it (schema, sizes, ids, the profile's
/// permissions, and that each record is the technician's to change), stores it in the device's inbox and
/// queues it. A batch id already accepted answers the same receipt and changes nothing.
/// </summary>
public sealed class PushService(
    IInbox inbox,
    IPushWork work,
    IDeviceRegistry devices,
    PushRules rules,
    TimeProvider clock)
{
    public const int MaxChanges = 100;

    public async Task<PushOutcome> PushAsync(string userId, PushRequest request, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        if (!RecordIds.IsValid(request.DeviceId, out var deviceError))
        {
            errors.Add(new FieldError("deviceId", deviceError!));
        }
        if (!RecordIds.IsValid(request.BatchId, out var batchError))
        {
            errors.Add(new FieldError("batchId", batchError!));
        }
        if (request.Sequence < 1)
        {
            errors.Add(new FieldError("sequence", "sequence must be a positive whole number, increasing with every batch the device sends."));
        }
        if (request.Changes.Count is 0 or > MaxChanges)
        {
            errors.Add(new FieldError("changes", $"A batch carries 1 to {MaxChanges} changes; this one has {request.Changes.Count}."));
        }
        if (errors.Count > 0)
        {
            return new PushOutcome(null, false, PushFailure.Invalid, "The batch is invalid; nothing was stored.", errors);
        }

        var now = clock.GetUtcNow();
        var device = await devices.GetAsync(request.DeviceId, cancellationToken)
            ?? await devices.BindAsync(request.DeviceId, userId, now, cancellationToken);
        if (device.UserId != userId)
        {
            return new PushOutcome(null, false, PushFailure.DeviceOfOtherUser, $"Device '{request.DeviceId}' is registered to another user.");
        }

        // A re-sent batch is answered from the inbox before anything is validated again: same receipt, no effect.
        var existing = await inbox.GetBatchAsync(request.DeviceId, request.BatchId, cancellationToken);
        if (existing is not null)
        {
            return new PushOutcome(existing, true, PushFailure.None, null);
        }

        var check = await rules.CheckBatchAsync(userId, request.DeviceId, request.Changes, cancellationToken);
        if (check.Count > 0)
        {
            return new PushOutcome(null, false, PushFailure.Invalid, $"{check.Count} change(s) of the batch are not acceptable; nothing was stored.", check);
        }

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var head = await inbox.GetHeadAsync(request.DeviceId, cancellationToken);
            var batch = new InboxBatch(request.DeviceId, userId, request.BatchId, request.Sequence, now, request.Changes, BatchStatus.Accepted, [], "");
            var (result, stored) = await inbox.AcceptAsync(batch, head, cancellationToken);
            switch (result)
            {
                case AcceptResult.Accepted:
                    await work.EnqueueDeviceAsync(request.DeviceId, cancellationToken);
                    return new PushOutcome(stored, false, PushFailure.None, null);
                case AcceptResult.Duplicate:
                    return new PushOutcome(stored, true, PushFailure.None, null);
                case AcceptResult.SequenceNotIncreasing:
                    return new PushOutcome(null, false, PushFailure.SequenceNotIncreasing,
                        $"Sequence {request.Sequence} is not above {head.AcceptedSequence}, the device's last accepted batch. Number batches in the order they were made.");
            }
        }
        throw new InvalidOperationException($"The inbox of device {request.DeviceId} kept changing; retry the push.");
    }
}
