using Azure.Data.Tables;
using FieldSync.Core.Devices;
using FieldSync.Core.Push;
using FieldSync.Core.Sync;
using FieldSync.Testing;

namespace FieldSync.Storage.Tests;

/// <summary>
/// The conditional steps of the cleanup on real Azure Tables (Azurite): the stale-device cursor, removal on a stale ETag,
/// an inbox that takes a batch while it is being removed, and scope retirement steps that lose to a writer that moved the head.
/// </summary>
[Collection(AzuriteGroup.Name)]
public class CleanupStorageTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private (TableServiceClient Service, StorageOptions Options) NewStorage()
        => (new TableServiceClient(azurite.ConnectionString), new StorageOptions { TablePrefix = "c" + Guid.NewGuid().ToString("N")[..12] });

    private static InboxBatch Batch(string deviceId, long sequence)
        => new(deviceId, "tech1", "b-" + sequence, sequence, Noon, [new PushChange { Action = ChangeAction.Delete, Table = "workorder", Id = "wo-1", BaseVersion = 1 }],
            BatchStatus.Accepted, [], "");

    [Fact]
    public async Task CleanupCursor_ConditionalWrites_OnlyTheFirstOfTwoRunsMovesIt()
    {
        var (service, options) = NewStorage();
        var registry = new TableDeviceRegistry(service, options);
        await registry.BindAsync("phone-1", "tech1", Noon, None);
        Assert.Null(await registry.GetCleanupCursorAsync(None));

        Assert.True(await registry.TrySetCleanupCursorAsync(new DeviceCleanupCursor(Noon, "page-2"), null, None));
        Assert.False(await registry.TrySetCleanupCursorAsync(new DeviceCleanupCursor(Noon, "other"), null, None));
        var cursor = (await registry.GetCleanupCursorAsync(None))!;
        Assert.Equal("page-2", cursor.Continuation);
        Assert.True(await registry.TrySetCleanupCursorAsync(new DeviceCleanupCursor(Noon, null), cursor, None));
        Assert.False(await registry.TrySetCleanupCursorAsync(new DeviceCleanupCursor(Noon, "late"), cursor, None)); // a second run with the old ETag
        Assert.Null((await registry.GetCleanupCursorAsync(None))!.Continuation);

        // The cursor row is not a device: the fleet listing never shows it.
        Assert.Equal(["phone-1"], (await registry.ListAsync(new DeviceQuery(), None)).Devices.Select(d => d.DeviceId));
    }

    [Fact]
    public async Task RemoveAsync_RecordWrittenSinceItWasRead_KeepsTheDevice()
    {
        var (service, options) = NewStorage();
        var registry = new TableDeviceRegistry(service, options);
        var read = await registry.BindAsync("phone-1", "tech1", Noon, None);
        await registry.UpdateAsync(read, d => d with { LastSeenOn = Noon.AddDays(1) }, None); // the device pulled

        Assert.False(await registry.RemoveAsync(read, None));
        Assert.NotNull(await registry.GetAsync("phone-1", None));
        Assert.True(await registry.RemoveAsync((await registry.GetAsync("phone-1", None))!, None));
        Assert.Empty(await registry.ListByUserAsync("tech1", None));
    }

    [Fact]
    public async Task RemoveIfIdleAsync_BatchAcceptedMeanwhile_KeepsTheInbox()
    {
        var (service, options) = NewStorage();
        var inbox = new TableInbox(service, options);
        var head = await inbox.GetHeadAsync("phone-1", None);
        var (_, first) = await inbox.AcceptAsync(Batch("phone-1", 1), head, None);
        head = await inbox.GetHeadAsync("phone-1", None);
        Assert.True(await inbox.CompleteAsync(first!, BatchStatus.Completed, [], head, None));
        var idle = await inbox.GetHeadAsync("phone-1", None);

        await inbox.AcceptAsync(Batch("phone-1", 2), idle, None); // the device pushes while its inbox is being removed
        Assert.False(await inbox.RemoveIfIdleAsync(idle, None));
        Assert.NotNull(await inbox.GetBatchAsync("phone-1", "b-2", None));
        Assert.Equal(2, (await inbox.GetHeadAsync("phone-1", None)).AcceptedSequence);

        var now = await inbox.GetHeadAsync("phone-1", None);
        var second = await inbox.GetBatchAsync("phone-1", "b-2", None);
        Assert.True(await inbox.CompleteAsync(second!, BatchStatus.Completed, [], now, None));
        Assert.True(await inbox.RemoveIfIdleAsync(await inbox.GetHeadAsync("phone-1", None), None));
        Assert.Null((await inbox.GetHeadAsync("phone-1", None)).ETag);
        Assert.Null(await inbox.GetBatchAsync("phone-1", "b-1", None));
    }

    [Fact]
    public async Task Retirement_HeadMovedByAnotherWriter_EveryStepLosesAndDeletesNothing()
    {
        var (service, options) = NewStorage();
        var feed = new TableFeedStore(service, options);
        var retirements = new TableScopeRetirements(feed);
        var evaluation = new ScopeEvaluation("p", "r1", "resource-1", Noon);
        MemberChange Put(string id) => new("workorder", id, FeedOpKind.Put, 1, "{}", new Dictionary<string, string>(), null);
        Assert.True(await feed.CommitAsync("u|tech1", null, evaluation, [Put("wo-1"), Put("wo-2")], Noon, None));
        var live = (await feed.GetHeadAsync("u|tech1", None))!;
        Assert.True(await feed.CommitAsync("u|tech1", live, evaluation, [Put("wo-3")], Noon, None)); // an evaluation commits first
        Assert.False(await retirements.BeginAsync(live, None));

        var current = (await feed.GetHeadAsync("u|tech1", None))!;
        Assert.True(await retirements.BeginAsync(current, None));
        var retiring = (await feed.GetHeadAsync("u|tech1", None))!;
        Assert.Equal(ScopeState.Retiring, retiring.State);
        Assert.Equal(current.Seq + 1, retiring.Seq);
        Assert.All(retiring.Buckets.Values, b => Assert.Equal((retiring.Seq, retiring.Seq, 0L), (b.Floor, b.LastSeq, b.Count)));

        var step = await retirements.DeleteChunkAsync(retiring, 2, None);
        Assert.Equal(2, step.Deleted);
        // The old head's ETag no longer matches: a second worker holding it deletes nothing, not even index entries.
        Assert.False(await retirements.UnindexAsync(retiring, [new RecordKey("workorder", "wo-3")], None));
        Assert.Contains("u|tech1", await feed.ScopesHoldingAsync("workorder", "wo-3", None));
        Assert.Null((await retirements.DeleteChunkAsync(retiring, 2, None)).Head);

        var head = step.Head!;
        while (head.State == ScopeState.Retiring)
        {
            head = (await retirements.DeleteChunkAsync(head, 2, None)).Head!;
        }
        Assert.Equal(ScopeState.Retired, (await feed.GetHeadAsync("u|tech1", None))!.State);
        Assert.Empty(await feed.GetMembersAsync("u|tech1", None));
        Assert.Empty(await feed.ScopesHoldingAsync("workorder", "wo-3", None));
        Assert.Equal(0, await feed.CompactAsync("u|tech1", Noon.AddDays(60), None)); // compaction leaves a retired head alone
        Assert.Equal(ScopeState.Retired, (await feed.GetHeadAsync("u|tech1", None))!.State);
    }
}
