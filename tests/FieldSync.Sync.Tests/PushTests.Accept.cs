using FieldSync.Core.Devices;
using System.Text.Encodings.Web;
using System.Text.Json;
using FieldSync.Core.Push;
using FieldSync.Core.Sync;
using FieldSync.Functions.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.Sync.Tests;

/// <summary>
/// Accepting a batch: only malformed input (what the device always could have known was wrong) refuses it, a batch
/// id names one content, a refused push leaves no trace, and a batch as large as the API takes can be stored.
/// </summary>
public partial class PushTests
{
    /// <summary>A device's push body as it sends it: UTF-8 without escaping what JSON does not need escaped.</summary>
    private static readonly JsonSerializerOptions DeviceJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    [Fact]
    public async Task Push_SameBatchIdWithOtherContent_IsRefusedAsReused_TheTrueDuplicateGetsItsReceipt()
    {
        await using var h = await WorldAsync();
        var original = Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "instructions": "original" }""");
        await PushAsync(h, "tech1", "batch-1", 1, original);

        var otherValues = await Pushes(h).PushAsync("tech1", new PushRequest("device-tech1", "batch-1", 1,
            [Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "instructions": "something else" }""")]), CancellationToken.None);
        Assert.Equal(PushFailure.BatchIdReused, otherValues.Failure);
        var otherSequence = await Pushes(h).PushAsync("tech1", new PushRequest("device-tech1", "batch-1", 2, [original]), CancellationToken.None);
        Assert.Equal(PushFailure.BatchIdReused, otherSequence.Failure);
        Assert.Null(otherSequence.Batch);

        var again = await Pushes(h).PushAsync("tech1", new PushRequest("device-tech1", "batch-1", 1,
            [Change(ChangeAction.Update, "workorder", "wo-1", 1, """{  "instructions" : "original"  }""")]), CancellationToken.None);
        Assert.Equal(PushFailure.None, again.Failure);
        Assert.True(again.Duplicate);
        await h.DrainAsync();
        Assert.Equal("original", (await ServerAsync(h, "workorder", "wo-1")).Values["instructions"]);
        Assert.Equal(1, (await h.Services.GetService<IInbox>()!.GetHeadAsync("device-tech1", CancellationToken.None)).AcceptedSequence);
    }

    [Fact]
    public async Task Push_RefusedBatch_DoesNotBindTheDevice()
    {
        await using var h = await WorldAsync();
        var devices = h.Services.GetService<IDeviceRegistry>()!;
        var refused = await Pushes(h).PushAsync("tech1", new PushRequest("fresh-device", "batch-1", 1,
            [Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "nosuch": 1 }""")]), CancellationToken.None);
        Assert.Equal(PushFailure.Invalid, refused.Failure);
        Assert.Null(await devices.GetAsync("fresh-device", CancellationToken.None));

        // The id is still free: the first user with an accepted batch gets it.
        var accepted = await Pushes(h).PushAsync("tech2", new PushRequest("fresh-device", "batch-1", 1,
            [Change(ChangeAction.Update, "bookableresourcebooking", "booking-2", 1, """{ "name": "on my way" }""")]), CancellationToken.None);
        Assert.Equal(PushFailure.None, accepted.Failure);
        Assert.Equal("tech2", (await devices.GetAsync("fresh-device", CancellationToken.None))!.UserId);
        var squatter = await Pushes(h).PushAsync("tech1", new PushRequest("fresh-device", "batch-2", 2,
            [Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "instructions": "x" }""")]), CancellationToken.None);
        Assert.Equal(PushFailure.DeviceOfOtherUser, squatter.Failure);
    }

    [Theory]
    [InlineData(9_007_199_254_740_993L, 1L, "sequence")]
    [InlineData(long.MaxValue, 1L, "sequence")]
    [InlineData(1L, 9_007_199_254_740_993L, "changes[0].baseVersion")]
    public async Task Push_SequenceOrBaseVersionAbove2Pow53_IsRefusedAndNothingStored(long sequence, long baseVersion, string field)
    {
        await using var h = await WorldAsync();
        var outcome = await Pushes(h).PushAsync("tech1", new PushRequest("device-tech1", "batch-1", sequence,
            [Change(ChangeAction.Update, "workorder", "wo-1", baseVersion, """{ "instructions": "x" }""")]), CancellationToken.None);
        Assert.Equal(PushFailure.Invalid, outcome.Failure);
        Assert.Contains(outcome.Errors!, e => e.Field == field && e.Message.Contains("2^53", StringComparison.Ordinal));
        Assert.Equal(0, (await h.Services.GetService<IInbox>()!.GetHeadAsync("device-tech1", CancellationToken.None)).AcceptedSequence);
        // A batch can still follow: the sequence was not taken.
        await PushAsync(h, "tech1", "batch-2", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "instructions": "x" }"""));
    }

    [Theory]
    [InlineData("create", "bookableresourcebooking", "bk-new", null, """
        { "name": "x", "resource": "resource-tech1", "starttime": "2026-11-25T13:00:00Z", "endtime": "2026-11-25T15:00:00Z", "bookingstatus": "bookingstatus-scheduled" }
        """, "does not allow create")]
    [InlineData("update", "contact", "c-1", 1L, """{ "fullname": "x" }""", "not in your offline profile")]
    [InlineData("delete", "workorder", "wo-1", 1L, null, "does not allow delete")]
    public async Task Push_ChangeTheProfileDoesNotAllow_IsAcceptedAndRejectedAsPermission(string action, string table, string id, long? baseVersion, string? values, string message)
    {
        // The profile may change while the device is offline: a permission is judged when the change is applied.
        await using var h = await WorldAsync();
        await PushAsync(h, "tech1", "batch-1", 1,
            Change(Enum.Parse<ChangeAction>(action, true), table, id, baseVersion, values),
            Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "instructions": "x" }"""));
        await h.DrainAsync();
        var outcomes = (await ReceiptAsync(h, "tech1", "batch-1")).Outcomes;
        Assert.Equal(ChangeStatus.Rejected, outcomes[0].Status);
        Assert.Equal("Permission", outcomes[0].Reason);
        Assert.Contains(message, outcomes[0].Message, StringComparison.Ordinal);
        Assert.Equal(ChangeStatus.Applied, outcomes[1].Status);
    }

    [Fact]
    public async Task Push_BatchAtTheBodyLimit_IsAcceptedAppliedAndItsReceiptReadable()
    {
        // Conflict detection on and a large server record: every outcome carries the server's record, the worst case.
        await using var h = await WorldAsync(conflictDetection: true);
        await h.UpdateAsync("workorder", "wo-1", ("instructions", new string('é', 4000)), ("primaryincidentdescription", new string('ø', 2000)));
        var changes = new List<PushChange>();
        string Body() => JsonSerializer.Serialize(new { deviceId = "device-tech1", batchId = "batch-1", sequence = 1, changes }, DeviceJson);
        var row = $$"""{ "instructions": "{{new string('ü', 4000)}}", "primaryincidentdescription": "{{new string('ß', 2000)}}" }""";
        while (changes.Count < PushService.MaxChanges && System.Text.Encoding.UTF8.GetByteCount(Body()) + (row.Length * 2) + 200 < RequestGuard.MaxBodyBytes)
        {
            changes.Add(Change(ChangeAction.Update, "workorder", "wo-1", 1, row));
        }
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(Body()), RequestGuard.MaxBodyBytes * 0.97, RequestGuard.MaxBodyBytes);

        // The device's database exists before it pushes: a first sync afterwards would start a new database, which
        // is never given the outcomes of batches pushed before it.
        var first = await h.Pulls.PullAsync("tech1", new PullRequest("device-tech1", null, null, false, 1000), CancellationToken.None);
        await PushAsync(h, "tech1", "batch-1", 1, [.. changes]);
        await h.DrainAsync();

        var receipt = await ReceiptAsync(h, "tech1", "batch-1");
        Assert.Equal(BatchStatus.Completed, receipt.Status);
        Assert.Equal(changes.Count, receipt.Changes.Count);
        Assert.Equal(new string('ü', 4000), receipt.Changes[^1].Values!.Value.GetProperty("instructions").GetString());
        Assert.Equal(changes.Count, receipt.Outcomes.Count);
        Assert.All(receipt.Outcomes, o => Assert.Equal("Conflict", o.Reason));
        Assert.Equal(new string('é', 4000), receipt.Outcomes[0].Current!.Value.GetProperty("instructions").GetString());
        var pull = await h.Pulls.PullAsync("tech1", new PullRequest("device-tech1", first.Result!.Checkpoint, null, false, 1000, PushedSequence: 1), CancellationToken.None);
        Assert.Equal(changes.Count, Assert.Single(pull.Result!.PushOutcomes).Outcomes.Count);
    }

    [Fact]
    public async Task Push_200ConcurrentPushesOfOneDevice_WhileItsBatchesApply_EachEndsAcceptedOrAProblemToActOn()
    {
        await using var h = await WorldAsync();
        var applier = h.Services.GetService<PushApplier>()!;
        using var stop = new CancellationTokenSource();
        // The queue function applying the device's batches meanwhile: its lease and completions move the inbox head too.
        var applying = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await applier.ApplyDeviceAsync("device-tech1", CancellationToken.None);
            }
        });
        var outcomes = await Task.WhenAll(Enumerable.Range(1, 200).Select(i => Task.Run(() => Pushes(h).PushAsync("tech1",
            new PushRequest("device-tech1", $"batch-{i}", i, [Change(ChangeAction.Update, "workorder", "wo-1", 1, $$"""{ "instructions": "push {{i}}" }""")]),
            CancellationToken.None))));
        await stop.CancelAsync();
        await applying;

        Assert.All(outcomes, o => Assert.True(o.Failure is PushFailure.None or PushFailure.SequenceNotIncreasing or PushFailure.Busy, $"{o.Failure}: {o.Detail}"));
        var accepted = outcomes.Where(o => o.Failure == PushFailure.None).Select(o => o.Batch!.Sequence).ToList();
        Assert.NotEmpty(accepted);
        Assert.Equal(accepted.Max(), (await h.Services.GetService<IInbox>()!.GetHeadAsync("device-tech1", CancellationToken.None)).AcceptedSequence);
    }

    [Fact]
    public async Task Push_WhileTheInboxHeadKeepsMoving_AnswersBusyNeverAnError_AndIsAcceptedOnceItSettles()
    {
        await using var h = await WorldAsync();
        var inbox = h.Services.GetService<IInbox>()!;
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "instructions": "first" }"""));
        using var stop = new CancellationTokenSource();
        // Workers renewing an apply lease over and over: every renewal moves the head's ETag under the push.
        var moving = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var now = h.Clock.GetUtcNow();
                await inbox.TryLeaseAsync("device-tech1", "busy-worker", now, now + TimeSpan.FromMinutes(2), CancellationToken.None);
            }
        })));
        var outcomes = new List<PushOutcome>();
        for (var i = 0; i < 10; i++)
        {
            outcomes.Add(await Pushes(h).PushAsync("tech1", new PushRequest("device-tech1", "batch-2", 2,
                [Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "instructions": "second" }""")]), CancellationToken.None));
        }
        await stop.CancelAsync();
        await moving;

        Assert.All(outcomes, o => Assert.True(o.Failure is PushFailure.None or PushFailure.Busy, $"{o.Failure}: {o.Detail}"));
        var settled = await PushAsync(h, "tech1", "batch-2", 2, Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "instructions": "second" }"""));
        Assert.Equal(2, settled.Sequence);
        Assert.Equal(2, (await inbox.GetHeadAsync("device-tech1", CancellationToken.None)).AcceptedSequence);
    }

    [Fact]
    public async Task Lease_RenewedByItsOwnerWhileBatchesAreAccepted_IsNeverLost()
    {
        // Found by the fleet simulator: a worker renewing its own lease while the device's next batch was accepted got
        // a 412, gave up with the lease still its own, and the device's batches waited for the stall sweeper.
        await using var h = await WorldAsync();
        var inbox = h.Services.GetService<IInbox>()!;
        await PushAsync(h, "tech1", "batch-1", 1, Change(ChangeAction.Update, "workorder", "wo-1", 1, """{ "instructions": "first" }"""));
        var now = h.Clock.GetUtcNow();
        Assert.NotNull(await inbox.TryLeaseAsync("device-tech1", "worker-1", now, now + TimeSpan.FromMinutes(2), CancellationToken.None));
        // The device keeps pushing: every accepted batch moves the head's ETag under the renewals.
        var pushing = Task.Run(async () =>
        {
            for (var sequence = 2; sequence <= 30; sequence++)
            {
                await Pushes(h).PushAsync("tech1", new PushRequest("device-tech1", $"batch-{sequence}", sequence,
                    [Change(ChangeAction.Update, "workorder", "wo-1", 1, $$"""{ "instructions": "push {{sequence}}" }""")]), CancellationToken.None);
            }
        });
        var renewals = new List<bool>();
        while (!pushing.IsCompleted)
        {
            renewals.Add(await inbox.TryLeaseAsync("device-tech1", "worker-1", now, now + TimeSpan.FromMinutes(2), CancellationToken.None) is not null);
        }
        await pushing;

        Assert.All(renewals, Assert.True);
        Assert.True((await inbox.GetHeadAsync("device-tech1", CancellationToken.None)).AcceptedSequence > 1, "No batch was accepted while the lease was renewed.");
        Assert.Null(await inbox.TryLeaseAsync("device-tech1", "worker-2", now, now + TimeSpan.FromMinutes(2), CancellationToken.None));
    }
}
