using FieldSync.Core.Records;
using FieldSync.Testing;
using Record = FieldSync.Core.Records.Record;

namespace FieldSync.Storage.Tests;

/// <summary>
/// The lookup-value index (<see cref="LookupIndex"/>) on Azurite: written in the record's own transaction by every write
/// path, so "rows whose column holds v" and "rows whose time lies in a range" are exact key ranges.
/// </summary>
[Collection(AzuriteGroup.Name)]
public class LookupIndexTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Day = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private TableRecordStore NewStore() => Stores.NewStore(azurite);

    private static Record Booking(string id, long version, string resource, DateTimeOffset end, bool deleted = false, string? workOrder = "wo-1")
        => new("bookableresourcebooking", id, version, DateTimeOffset.UtcNow, "dispatcher", deleted, new Dictionary<string, object?>
        {
            ["name"] = id,
            ["resource"] = resource,
            ["workorder"] = workOrder,
            ["starttime"] = end.AddHours(-2),
            ["endtime"] = end,
        });

    private static Task<IReadOnlyList<string>> Bookings(TableRecordStore store, string column, string value)
        => store.FindIdsAsync("bookableresourcebooking", column, value, None);

    [Fact]
    public async Task Writes_MoveTheirEntries_FindIdsAnswersFromTheCurrentValues()
    {
        var store = NewStore();
        Assert.True((await store.TryInsertAsync(Booking("b-1", 1, "res-1", Day), None)).Written);
        Assert.Equal(["b-1"], await Bookings(store, "resource", "res-1"));
        Assert.Equal(["b-1"], await Bookings(store, "workorder", "wo-1"));

        // Reassigned: the old value's entry goes, the new one's comes, in the same transaction as the record.
        var stored = (await store.GetAsync("bookableresourcebooking", "b-1", None))!;
        Assert.True((await store.TryReplaceAsync(Booking("b-1", 2, "res-2", Day, workOrder: null), stored, None)).Written);
        Assert.Empty(await Bookings(store, "resource", "res-1"));
        Assert.Equal(["b-1"], await Bookings(store, "resource", "res-2"));
        Assert.Empty(await Bookings(store, "workorder", "wo-1"));

        // Deleted: a tombstone has no entries. Re-created: they come back.
        stored = (await store.GetAsync("bookableresourcebooking", "b-1", None))!;
        Assert.True((await store.TryReplaceAsync(Booking("b-1", 3, "res-2", Day, deleted: true), stored, None)).Written);
        Assert.Empty(await Bookings(store, "resource", "res-2"));
        stored = (await store.GetAsync("bookableresourcebooking", "b-1", None))!;
        Assert.True((await store.TryReplaceAsync(Booking("b-1", 4, "res-3", Day), stored, None)).Written);
        Assert.Equal(["b-1"], await Bookings(store, "resource", "res-3"));
        Assert.Empty(await Bookings(store, "resource", "res-2"));
    }

    [Fact]
    public async Task FailedWrite_LeavesTheIndexAsItWas()
    {
        var store = NewStore();
        await store.TryInsertAsync(Booking("b-1", 1, "res-1", Day), None);
        var stale = (await store.GetAsync("bookableresourcebooking", "b-1", None))!;
        Assert.True((await store.TryReplaceAsync(Booking("b-1", 2, "res-2", Day), stale, None)).Written);

        // The second writer read before the first wrote: its ETag no longer matches, so nothing of it lands.
        Assert.False((await store.TryReplaceAsync(Booking("b-1", 3, "res-9", Day), stale, None)).Written);
        Assert.Empty(await Bookings(store, "resource", "res-9"));
        Assert.Equal(["b-1"], await Bookings(store, "resource", "res-2"));
    }

    [Fact]
    public async Task TryWriteAllAsync_MovesEveryRecordsEntries_AndLeavesThemOutOfListings()
    {
        var store = NewStore();
        await store.TryInsertAsync(Booking("b-1", 1, "res-1", Day), None);
        var first = (await store.GetAsync("bookableresourcebooking", "b-1", None))!;

        var written = await store.TryWriteAllAsync([new RecordWrite(Booking("b-1", 2, "res-2", Day), first), new RecordWrite(Booking("b-2", 1, "res-2", Day), null)], None);

        Assert.NotNull(written);
        Assert.Equal(["b-1", "b-2"], (await Bookings(store, "resource", "res-2")).Order(StringComparer.Ordinal));
        Assert.Empty(await Bookings(store, "resource", "res-1"));
        // Index entries share the records' partition but are never records.
        var page = await store.ListAsync("bookableresourcebooking", 100, null, includeDeleted: true, None);
        Assert.Equal(["b-1", "b-2"], page.Records.Select(r => r.Id));
        var scanned = new List<string>();
        await foreach (var record in store.ScanLiveAsync("bookableresourcebooking", None))
        {
            scanned.Add(record.Id);
        }
        Assert.Equal(["b-1", "b-2"], scanned);
    }

    [Fact]
    public async Task TryWriteAllAsync_MoreActionsThanATransaction_IsRefused()
    {
        var store = NewStore();
        // A new booking takes its record, its marker and four index entries (resource, work order, start and end):
        // 17 of them are more than 100 actions.
        var writes = Enumerable.Range(0, 17).Select(i => new RecordWrite(Booking($"b-{i}", 1, "res-1", Day), null)).ToList();
        Assert.True(writes.Sum(w => LookupIndex.ActionsOf(Stores.Schema.Tables["bookableresourcebooking"], w.Record, null)) > RecordWrite.MaxActionsPerTransaction);

        await Assert.ThrowsAsync<ArgumentException>(() => store.TryWriteAllAsync(writes, None));
        Assert.Empty(await Bookings(store, "resource", "res-1"));
    }

    [Fact]
    public async Task FindIdsBetweenAsync_PagesThroughARangeOfTimes_BothEndsIncluded()
    {
        var store = NewStore();
        for (var h = 0; h < 30; h++)
        {
            await store.TryInsertAsync(Booking($"b-{h:D2}", 1, "res-1", Day.AddHours(h)), None);
        }

        var found = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await store.FindIdsBetweenAsync("bookableresourcebooking", "endtime", Day.AddHours(5), Day.AddHours(24), after, 7, None);
            found.AddRange(page.Ids);
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(Enumerable.Range(5, 20).Select(h => $"b-{h:D2}"), found);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task IndexedStringColumn_AnyText_IsFoundExactly()
    {
        var store = NewStore();
        var awkward = "O'Brien / #1? | ~x|50% é";
        var longValue = new string('z', 255);
        await store.TryInsertAsync(Resource("r-1", awkward), None);
        await store.TryInsertAsync(Resource("r-2", longValue), None);
        await store.TryInsertAsync(Resource("r-3", awkward + "!"), None);

        Assert.Equal(["r-1"], await store.FindIdsAsync("bookableresource", "userid", awkward, None));
        Assert.Equal(["r-2"], await store.FindIdsAsync("bookableresource", "userid", longValue, None));
        Assert.Empty(await store.FindIdsAsync("bookableresource", "userid", "O'Brien", None));
    }

    private static Record Resource(string id, string user)
        => new("bookableresource", id, 1, DateTimeOffset.UtcNow, "admin", false, new Dictionary<string, object?> { ["name"] = id, ["userid"] = user });
}
