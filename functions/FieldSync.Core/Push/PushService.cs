using FieldSync.Core.Devices;
using System.Text.Json;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Sync;

namespace FieldSync.Core.Push;

public sealed record PushRequest(string DeviceId, string BatchId, long Sequence, IReadOnlyList<PushChange> Changes)
{
    /// <summary>The <c>X-FieldSync-App-Version</c> header (validated by the caller), recorded in the device record when it changes.</summary>
    public string? AppVersion { get; init; }

    /// <summary>The <c>X-FieldSync-Platform</c> header (validated by the caller).</summary>
    public string? Platform { get; init; }
}

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
/// Accepts a device's batch of offline changes: checks what the device always could have known (the schema, sizes,
/// ids, sequence, versions the server never gave out), stores it in the device's inbox and queues it. What may
/// have changed while the device was offline (the profile, the records' membership) is judged when each change is
/// applied (<see cref="PushApplier"/>). A batch id already accepted answers the same receipt and changes nothing;
/// with other content it is refused. The device id is bound to the caller only when a batch is accepted.
/// </summary>
public sealed class PushService(
    IInbox inbox,
    IPushWork work,
    IDeviceRegistry devices,
    PushRules rules,
    TimeProvider clock)
{
    public const int MaxChanges = 100;

    /// <summary>How often one push tries to store its batch while other pushes of the device keep moving the inbox head.</summary>
    private const int AcceptAttempts = 8;

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
        if (request.Sequence is < 1 or > PushRules.MaxNumber)
        {
            errors.Add(new FieldError("sequence", "sequence must be a whole number from 1 to 2^53, increasing with every batch the device sends."));
        }
        if (request.Changes.Count is 0 or > MaxChanges)
        {
            errors.Add(new FieldError("changes", $"A batch carries 1 to {MaxChanges} changes; this one has {request.Changes.Count}."));
        }
        if (errors.Count > 0)
        {
            return new PushOutcome(null, false, PushFailure.Invalid, "The batch is invalid; nothing was stored.", errors);
        }

        var device = await devices.GetAsync(request.DeviceId, cancellationToken);
        if (device is not null && device.UserId != userId)
        {
            return OtherUser(request);
        }
        var hash = BatchContent.Hash(request.Sequence, request.Changes);
        // A re-sent batch is answered from the inbox before anything is validated again: same receipt, no effect.
        if (device is not null && await inbox.GetBatchAsync(request.DeviceId, request.BatchId, cancellationToken) is { } existing)
        {
            return Existing(existing, hash, request);
        }

        var check = await rules.CheckBatchAsync(userId, request.Changes, cancellationToken);
        if (check.Count > 0)
        {
            return new PushOutcome(null, false, PushFailure.Invalid, $"{check.Count} change(s) of the batch are not acceptable; nothing was stored.", check);
        }

        var now = clock.GetUtcNow();
        // Bound only now that the batch will be stored: a refused push must not let anyone squat a device id.
        device ??= await devices.BindAsync(request.DeviceId, userId, now, cancellationToken);
        if (device.UserId != userId)
        {
            return OtherUser(request);
        }
        var batch = new InboxBatch(request.DeviceId, userId, request.BatchId, request.Sequence, now, request.Changes, BatchStatus.Accepted, [], "") { ContentHash = hash };
        for (var attempt = 0; attempt < AcceptAttempts; attempt++)
        {
            var head = await inbox.GetHeadAsync(request.DeviceId, cancellationToken);
            var (result, stored) = await inbox.AcceptAsync(batch, head, cancellationToken);
            switch (result)
            {
                case AcceptResult.Accepted:
                    await work.EnqueueDeviceAsync(request.DeviceId, cancellationToken);
                    await RecordPushAsync(device, request, now, cancellationToken);
                    return new PushOutcome(stored, false, PushFailure.None, null);
                case AcceptResult.Duplicate:
                    return Existing(stored!, hash, request);
                case AcceptResult.SequenceNotIncreasing:
                    return new PushOutcome(null, false, PushFailure.SequenceNotIncreasing,
                        $"Sequence {request.Sequence} is not above {head.AcceptedSequence}, the device's last accepted batch. Number batches in the order they were made.");
            }
            // Contended: another push of the device moved the head first. Wait a little (wall time, jittered so the
            // racers spread out) rather than reading the head again at once.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * (attempt + 1))), cancellationToken);
        }
        return new PushOutcome(null, false, PushFailure.Busy,
            $"Other pushes of device '{request.DeviceId}' kept changing its inbox; nothing was stored. Send the batch again in a moment.");
    }

    /// <summary>
    /// The device record after an accepted batch: the last push's time and sequence live in the inbox head (written
    /// anyway), so the record is written only for a new app version or platform, or hourly for the last-seen time.
    /// </summary>
    private async Task RecordPushAsync(DeviceRegistration device, PushRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var newHeaders = (request.AppVersion is not null && request.AppVersion != device.AppVersion) || (request.Platform is not null && request.Platform != device.Platform);
        if (newHeaders || now - device.LastSeenOn > TimeSpan.FromHours(1))
        {
            await devices.UpdateAsync(device, d => d with { AppVersion = request.AppVersion ?? d.AppVersion, Platform = request.Platform ?? d.Platform, LastSeenOn = now }, cancellationToken);
        }
    }

    private static PushOutcome Existing(InboxBatch existing, string hash, PushRequest request)
        => existing.HasContent(hash)
            ? new PushOutcome(existing, true, PushFailure.None, null)
            : new PushOutcome(null, false, PushFailure.BatchIdReused,
                $"Batch '{request.BatchId}' of device '{request.DeviceId}' was accepted before with other content (sequence {existing.Sequence}); nothing was stored. Give every new batch a new id.");

    private static PushOutcome OtherUser(PushRequest request)
        => new(null, false, PushFailure.DeviceOfOtherUser, $"Device '{request.DeviceId}' is registered to another user.");
}
