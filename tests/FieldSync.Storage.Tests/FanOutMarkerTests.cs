using FieldSync.Core.Records;
using FieldSync.Testing;
using Record = FieldSync.Core.Records.Record;

namespace FieldSync.Storage.Tests;

/// <summary>
/// The fan-out markers on real Azure Tables (Azurite): every write leaves one and reports its ETag, and completing
/// a fan-out deletes only the markers it saw — a write that came after keeps its own, so its fan-out stays due.
/// </summary>
[Collection(AzuriteGroup.Name)]
public class FanOutMarkerTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddHours(1);

    private TableRecordStore NewStore() => Stores.NewStore(azurite);

    private static Record Account(string id, long version)
        => new("account", id, version, DateTimeOffset.UtcNow, "dispatcher1", false, new Dictionary<string, object?> { ["name"] = $"Contoso {version}" });

    [Fact]
    public async Task TryInsertAndTryReplace_Written_ReportTheMarkerTheyLeft()
    {
        var store = NewStore();
        var inserted = await store.TryInsertAsync(Account("acc-1", 1), None);
        Assert.True(inserted.Written);
        Assert.Equal(await store.GetFanOutMarkerAsync("account", "acc-1", None), inserted.MarkerETag);

        var stored = await store.GetAsync("account", "acc-1", None);
        var replaced = await store.TryReplaceAsync(Account("acc-1", 2), stored!, None);
        Assert.True(replaced.Written);
        Assert.NotEqual(inserted.MarkerETag, replaced.MarkerETag);
        Assert.Equal(await store.GetFanOutMarkerAsync("account", "acc-1", None), replaced.MarkerETag);
    }

    [Fact]
    public async Task TryInsertAndTryReplace_NotWritten_LeaveNoMarkerBehind()
    {
        var store = NewStore();
        var first = await store.TryInsertAsync(Account("acc-1", 1), None);
        await store.CompleteFanOutAsync([new ChangedRecord("account", "acc-1", first.MarkerETag)], None);

        Assert.False((await store.TryInsertAsync(Account("acc-1", 1), None)).Written);
        Assert.False((await store.TryReplaceAsync(Account("acc-1", 2), new StoredRecord(Account("acc-1", 1), "W/\"datetime'2000-01-01T00%3A00%3A00.0000000Z'\""), None)).Written);
        Assert.Null(await store.GetFanOutMarkerAsync("account", "acc-1", None));
    }

    [Fact]
    public async Task CompleteFanOutAsync_ManyRecords_DeletesEveryMarkerSeen()
    {
        var store = NewStore();
        var done = new List<ChangedRecord>();
        for (var i = 0; i < 120; i++) // more than one transaction holds
        {
            var write = await store.TryInsertAsync(Account($"acc-{i:D3}", 1), None);
            done.Add(new ChangedRecord("account", $"acc-{i:D3}", write.MarkerETag));
        }
        Assert.Equal(120, (await store.ListPendingFanOutAsync("account", Later, None)).Count);

        await store.CompleteFanOutAsync(done, None);

        Assert.Empty(await store.ListPendingFanOutAsync("account", Later, None));
    }

    [Fact]
    public async Task CompleteFanOutAsync_OneRecordWrittenAgainSince_KeepsOnlyItsNewMarker()
    {
        var store = NewStore();
        var done = new List<ChangedRecord>();
        for (var i = 0; i < 5; i++)
        {
            var write = await store.TryInsertAsync(Account($"acc-{i}", 1), None);
            done.Add(new ChangedRecord("account", $"acc-{i}", write.MarkerETag));
        }
        var stored = await store.GetAsync("account", "acc-2", None);
        var rewrite = await store.TryReplaceAsync(Account("acc-2", 2), stored!, None);

        await store.CompleteFanOutAsync(done, None);

        var pending = await store.ListPendingFanOutAsync("account", Later, None);
        var left = Assert.Single(pending);
        Assert.Equal("acc-2", left.Id);
        Assert.Equal(rewrite.MarkerETag, left.Marker);
    }

    [Fact]
    public async Task CompleteFanOutAsync_WithoutMarkerETag_LeavesTheMarker()
    {
        var store = NewStore();
        await store.TryInsertAsync(Account("acc-1", 1), None);

        await store.CompleteFanOutAsync([new ChangedRecord("account", "acc-1")], None);

        Assert.NotNull(await store.GetFanOutMarkerAsync("account", "acc-1", None));
    }
}
