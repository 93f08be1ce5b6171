using FieldSync.Core.Records;
using FieldSync.Testing;
using Record = FieldSync.Core.Records.Record;

namespace FieldSync.Storage.Tests;

/// <summary>
/// <see cref="TableRecordStore.TryWriteAllAsync"/> on Azurite: a push batch's records of one table and their fan-out
/// markers in one transaction, all or nothing.
/// </summary>
[Collection(AzuriteGroup.Name)]
public class WriteAllTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    private TableRecordStore NewStore() => Stores.NewStore(azurite);

    private static Record Account(string id, long version, string name = "Contoso")
        => new("account", id, version, DateTimeOffset.UtcNow, "tech1", false, new Dictionary<string, object?> { ["name"] = $"{name} {version}" });

    [Fact]
    public async Task TryWriteAllAsync_InsertsAndReplaces_WritesEveryRecordAndMarker()
    {
        var store = NewStore();
        await store.TryInsertAsync(Account("acc-1", 1), None);
        var stored = await store.GetAsync("account", "acc-1", None);

        var written = await store.TryWriteAllAsync([new RecordWrite(Account("acc-1", 2), stored!), new RecordWrite(Account("acc-2", 1), null)], None);

        Assert.NotNull(written);
        Assert.Equal(2, written.Count);
        Assert.Equal(2, (await store.GetAsync("account", "acc-1", None))!.Record.Version);
        Assert.Equal(1, (await store.GetAsync("account", "acc-2", None))!.Record.Version);
        Assert.Equal(await store.GetFanOutMarkerAsync("account", "acc-1", None), written[0].MarkerETag);
        Assert.Equal(await store.GetFanOutMarkerAsync("account", "acc-2", None), written[1].MarkerETag);
    }

    [Fact]
    public async Task TryWriteAllAsync_OneRecordChangedMeanwhile_WritesNothing()
    {
        var store = NewStore();
        await store.TryInsertAsync(Account("acc-1", 1), None);
        await store.TryInsertAsync(Account("acc-2", 1), None);
        var first = await store.GetAsync("account", "acc-1", None);
        var second = await store.GetAsync("account", "acc-2", None);
        await store.TryReplaceAsync(Account("acc-2", 2, "Dispatcher"), second!, None);

        var written = await store.TryWriteAllAsync([new RecordWrite(Account("acc-1", 2), first!), new RecordWrite(Account("acc-2", 2), second), new RecordWrite(Account("acc-3", 1), null)], None);

        Assert.Null(written);
        Assert.Equal(1, (await store.GetAsync("account", "acc-1", None))!.Record.Version);
        Assert.Equal("Dispatcher 2", (await store.GetAsync("account", "acc-2", None))!.Record.Values["name"]);
        Assert.Null(await store.GetAsync("account", "acc-3", None));
    }

    [Fact]
    public async Task TryWriteAllAsync_InsertOfAnExistingId_WritesNothing()
    {
        var store = NewStore();
        await store.TryInsertAsync(Account("acc-1", 1), None);

        Assert.Null(await store.TryWriteAllAsync([new RecordWrite(Account("acc-0", 1), null), new RecordWrite(Account("acc-1", 1), null)], None));
        Assert.Null(await store.GetAsync("account", "acc-0", None));
    }

    [Fact]
    public async Task TryWriteAllAsync_MoreThanATransactionOrMixedTables_IsRefused()
    {
        var store = NewStore();
        var tooMany = Enumerable.Range(0, (RecordWrite.MaxActionsPerTransaction / 2) + 1).Select(i => new RecordWrite(Account($"acc-{i}", 1), null)).ToList();
        var contact = new Record("contact", "c-1", 1, DateTimeOffset.UtcNow, "tech1", false, new Dictionary<string, object?> { ["fullname"] = "Ada" });

        await Assert.ThrowsAsync<ArgumentException>(() => store.TryWriteAllAsync(tooMany, None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TryWriteAllAsync([new RecordWrite(Account("acc-1", 1), null), new RecordWrite(contact, null)], None));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TryWriteAllAsync([new RecordWrite(Account("acc-1", 1), null), new RecordWrite(Account("acc-1", 2), null)], None));
        Assert.Null(await store.GetAsync("account", "acc-1", None));
    }
}
