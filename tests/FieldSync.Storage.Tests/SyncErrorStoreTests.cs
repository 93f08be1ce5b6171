using System.Text;
using Azure.Data.Tables;
using FieldSync.Core.Records;
using FieldSync.Core.SyncErrors;
using FieldSync.Testing;

namespace FieldSync.Storage.Tests;

/// <summary>Sync errors on real Azure Tables (Azurite): round trip, idempotence, newest-first listing, filters, paging, purge.</summary>
[Collection(AzuriteGroup.Name)]
public class SyncErrorStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private TableSyncErrorStore NewStore(DateTimeOffset? now = null)
        => new(new TableServiceClient(azurite.ConnectionString),
            new StorageOptions { TablePrefix = "t" + Guid.NewGuid().ToString("N")[..12] },
            new FixedClock(now ?? Noon));

    private static SyncError Error(string key, DateTimeOffset occurredOn, string user = "tech1", string device = "phone-1", string? table = "workorder")
        => new(key, occurredOn, SyncErrorType.Conflict, "conflict", $"Error {key}", user, device, table, "wo-1", "update",
            """{ "name": "device" }""", """{ "name": "server" }""", "batch-1");

    private static async Task<List<SyncError>> ListAllAsync(TableSyncErrorStore store, SyncErrorQuery query)
    {
        var all = new List<SyncError>();
        var continuation = query.Continuation;
        var pages = 0;
        do
        {
            var page = await store.ListAsync(query with { Continuation = continuation }, None);
            Assert.True(page.Errors.Count <= query.PageSize);
            all.AddRange(page.Errors);
            continuation = page.Continuation;
            Assert.True(++pages < 500, "the listing does not end");
        }
        while (continuation is not null);
        return all;
    }

    private static SyncErrorQuery Around(DateTimeOffset from, DateTimeOffset to, int pageSize = 100) => new(From: from, To: to, PageSize: pageSize);

    [Fact]
    public async Task AddAsync_EveryField_RoundTripsThroughGet()
    {
        var store = NewStore();
        var bigDeviceData = "{ \"notes\": \"" + new string('x', 70_000) + "\" }";
        var error = new SyncError(
            "phone/1|#?\\ 42\u0001 0 ünïcode'\"", new DateTimeOffset(2026, 3, 10, 13, 14, 15, TimeSpan.FromHours(2)).AddTicks(1234567),
            SyncErrorType.RecordNotFound, "record-not-found", "Der Datensatz ist weg — 'gone'", "tech.1@contoso", "phone:1",
            "bookableresourcebooking", "bk-1", "delete", bigDeviceData, "not json at all", "batch-42");

        var added = await store.AddAsync(error, None);
        Assert.NotNull(added.Id);
        Assert.Equal(error with { Id = added.Id }, added);
        Assert.True(RecordIds.IsValid(added.Id, out _), "the id is URL- and key-safe");

        var read = await store.GetAsync(added.Id!, None);
        Assert.NotNull(read);
        Assert.Equal(added, read);
        Assert.Equal(TimeSpan.Zero, read.OccurredOn.Offset);
        Assert.Equal(error.OccurredOn.UtcTicks, read.OccurredOn.UtcTicks);
        Assert.Equal(bigDeviceData, read.DeviceData);

        var minimal = new SyncError("k2", Noon, SyncErrorType.Other, "other", "", "tech1", "phone-1", null, null, null, null, null, null);
        var minimalAdded = await store.AddAsync(minimal, None);
        Assert.Equal(minimalAdded, await store.GetAsync(minimalAdded.Id!, None));
    }

    [Fact]
    public async Task AddAsync_HugeData_IsTruncatedNotRejected()
    {
        var store = NewStore();
        var huge = new string('y', TableSyncErrorStore.MaxDataChars * 2);
        var added = await store.AddAsync(Error("huge", Noon) with { DeviceData = huge, ServerData = huge }, None);
        var read = (await store.GetAsync(added.Id!, None))!;
        Assert.Equal(TableSyncErrorStore.MaxDataChars, read.DeviceData!.Length);
        Assert.EndsWith("[truncated]", read.ServerData, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAsync_SameKeyAndTime_KeepsOneError()
    {
        var store = NewStore();
        var first = await store.AddAsync(Error("dev|7|0", Noon), None);
        var again = await store.AddAsync(Error("dev|7|0", Noon) with { Message = "recorded again" }, None);
        var otherKey = await store.AddAsync(Error("dev|7|1", Noon), None);

        Assert.Equal(first.Id, again.Id);
        Assert.NotEqual(first.Id, otherKey.Id);
        var listed = await ListAllAsync(store, Around(Noon.AddHours(-1), Noon.AddHours(1)));
        Assert.Equal(2, listed.Count);
        Assert.Equal("recorded again", (await store.GetAsync(first.Id!, None))!.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nonsense")]
    [InlineData("20260310.3155378975999999999.0123456789abcdef")] // well formed, but the ticks are not on that day
    [InlineData("20261310.2516000000000000000.0123456789abcdef")]
    [InlineData("20260310.251600000000000000x.0123456789abcdef")]
    [InlineData("20260310.2516000000000000000.0123456789ABCDEF")]
    [InlineData("../../etc/passwd")]
    public async Task GetAsync_UnparseableId_ReturnsNull(string id)
        => Assert.Null(await NewStore().GetAsync(id, None));

    [Fact]
    public async Task GetAsync_WellFormedUnknownId_ReturnsNull()
    {
        var store = NewStore();
        var added = await store.AddAsync(Error("a", Noon), None);
        var unknown = added.Id![..^1] + (added.Id[^1] == '0' ? '1' : '0');
        Assert.Null(await store.GetAsync(unknown, None));
    }

    [Fact]
    public async Task ListAsync_SeveralDays_NewestFirst()
    {
        var store = NewStore();
        var times = new[] { Noon, Noon.AddDays(-1), Noon.AddDays(-3).AddHours(11).AddMinutes(59), Noon.AddMinutes(1), Noon.AddDays(-1).AddHours(-12), Noon.AddDays(-2).AddHours(-12) };
        foreach (var (time, i) in times.Select((t, i) => (t, i)))
        {
            await store.AddAsync(Error("k" + i, time), None);
        }

        var listed = await ListAllAsync(store, Around(Noon.AddDays(-10), Noon.AddDays(1)));
        Assert.Equal(times.OrderDescending(), listed.Select(e => e.OccurredOn));
    }

    [Fact]
    public async Task ListAsync_DefaultWindow_IsTheThirtyDaysBeforeNow()
    {
        var store = NewStore(Noon);
        await store.AddAsync(Error("recent", Noon.AddDays(-29)), None);
        await store.AddAsync(Error("old", Noon.AddDays(-31)), None);
        await store.AddAsync(Error("future", Noon.AddMinutes(5)), None);

        var listed = await ListAllAsync(store, new SyncErrorQuery());
        Assert.Equal("recent", Assert.Single(listed).Key);
    }

    [Fact]
    public async Task ListAsync_EachFilter_ReturnsOnlyMatchingErrors()
    {
        var store = NewStore();
        await store.AddAsync(Error("1", Noon, user: "tech1", device: "phone-1", table: "workorder"), None);
        await store.AddAsync(Error("2", Noon.AddMinutes(-1), user: "tech1", device: "phone-2", table: "bookableresourcebooking"), None);
        await store.AddAsync(Error("3", Noon.AddDays(-1), user: "tech2", device: "phone-3", table: "workorder"), None);
        await store.AddAsync(Error("4", Noon.AddDays(-2), user: "o'brien", device: "phone-4", table: null), None);
        var range = Around(Noon.AddDays(-5), Noon.AddDays(1));

        async Task<string[]> Keys(SyncErrorQuery query) => (await ListAllAsync(store, query)).Select(e => e.Key).ToArray();

        Assert.Equal(["1", "2"], await Keys(range with { UserId = "tech1" }));
        Assert.Equal(["3"], await Keys(range with { DeviceId = "phone-3" }));
        Assert.Equal(["1", "3"], await Keys(range with { Table = "workorder" }));
        Assert.Equal(["1"], await Keys(range with { UserId = "tech1", Table = "workorder" }));
        Assert.Equal(["4"], await Keys(range with { UserId = "o'brien" })); // an OData literal with a quote
        Assert.Empty(await Keys(range with { UserId = "tech1' or UserId ne '" }));
        Assert.Empty(await Keys(range with { DeviceId = "phone-1", UserId = "tech2" }));
    }

    [Fact]
    public async Task ListAsync_TimeRange_IsInclusiveAndSpansDays()
    {
        var store = NewStore();
        for (var hour = 0; hour < 72; hour += 6)
        {
            await store.AddAsync(Error("h" + hour, Noon.AddHours(-hour)), None);
        }

        var listed = await ListAllAsync(store, Around(Noon.AddHours(-42), Noon.AddHours(-12), pageSize: 2));
        Assert.Equal(["h12", "h18", "h24", "h30", "h36", "h42"], listed.Select(e => e.Key));

        var oneInstant = await ListAllAsync(store, Around(Noon.AddHours(-6), Noon.AddHours(-6)));
        Assert.Equal("h6", Assert.Single(oneInstant).Key);

        Assert.Empty(await ListAllAsync(store, Around(Noon.AddDays(5), Noon.AddDays(9))));
        Assert.Empty((await store.ListAsync(Around(Noon, Noon.AddHours(-1)), None)).Errors);
    }

    [Fact]
    public async Task ListAsync_Paging_ReturnsEveryErrorOnceNewestFirst()
    {
        var store = NewStore();
        var expected = new List<SyncError>();
        for (var i = 0; i < 40; i++)
        {
            // Four days, some instants shared by two keys, an empty day in between.
            var time = Noon.AddDays(-(i % 5 == 4 ? 5 : i % 5)).AddMinutes(-(i / 10));
            expected.Add(await store.AddAsync(Error($"key-{i}", time, user: i % 3 == 0 ? "tech3" : "tech1"), None));
        }

        foreach (var pageSize in new[] { 1, 3, 7, 1000 })
        {
            var listed = await ListAllAsync(store, Around(Noon.AddDays(-10), Noon.AddDays(1), pageSize));
            Assert.Equal(expected.Count, listed.Count);
            Assert.Equal(listed.Count, listed.Select(e => e.Id).Distinct().Count());
            Assert.Equal(expected.Select(e => e.Id).Order(StringComparer.Ordinal), listed.Select(e => e.Id).Order(StringComparer.Ordinal));
            Assert.Equal(listed.Select(e => e.OccurredOn).OrderDescending(), listed.Select(e => e.OccurredOn));
        }

        var filtered = await ListAllAsync(store, Around(Noon.AddDays(-10), Noon.AddDays(1), 2) with { UserId = "tech3" });
        Assert.Equal(expected.Where(e => e.UserId == "tech3").Select(e => e.Id).Order(StringComparer.Ordinal), filtered.Select(e => e.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAsync_LongEmptyRange_AnswersInBoundedStepsAndEnds()
    {
        var store = NewStore();
        await store.AddAsync(Error("ancient", Noon.AddDays(-300)), None);
        await store.AddAsync(Error("recent", Noon), None);
        var listed = await ListAllAsync(store, Around(Noon.AddDays(-365), Noon, pageSize: 10));
        Assert.Equal(["recent", "ancient"], listed.Select(e => e.Key));
    }

    [Theory]
    [InlineData("garbage!!")]
    [InlineData("")]
    [InlineData("YWNjb3VudApzb21ldGhpbmc")] // a records-listing token ("account\nsomething")
    public async Task ListAsync_GarbageContinuation_IsInvalid(string token)
    {
        var store = NewStore();
        await Assert.ThrowsAsync<InvalidContinuationException>(() => store.ListAsync(new SyncErrorQuery(Continuation: token), None));
    }

    [Fact]
    public async Task ListAsync_ContinuationOfAnotherQuery_IsInvalid()
    {
        var store = NewStore();
        for (var i = 0; i < 5; i++)
        {
            await store.AddAsync(Error("k" + i, Noon.AddMinutes(-i)), None);
        }
        var query = Around(Noon.AddDays(-1), Noon, pageSize: 2);
        var first = await store.ListAsync(query, None);
        Assert.NotNull(first.Continuation);

        await Assert.ThrowsAsync<InvalidContinuationException>(() => store.ListAsync(query with { UserId = "tech2", Continuation = first.Continuation }, None));
        await Assert.ThrowsAsync<InvalidContinuationException>(() => store.ListAsync(query with { To = Noon.AddHours(1), Continuation = first.Continuation }, None));
        var tampered = Convert.ToBase64String(Encoding.UTF8.GetBytes("syncerrors.v1\nffffffffffffffff\n0\n1\n20260310\n")).TrimEnd('=');
        await Assert.ThrowsAsync<InvalidContinuationException>(() => store.ListAsync(query with { Continuation = tampered }, None));

        var second = await store.ListAsync(query with { Continuation = first.Continuation }, None);
        Assert.Equal(["k2", "k3"], second.Errors.Select(e => e.Key));
    }

    [Fact]
    public async Task PurgeAsync_RemovesOnlyErrorsOlderThanBefore()
    {
        var store = NewStore();
        var before = Noon;
        var old = new[] { Noon.AddTicks(-1), Noon.AddHours(-11), Noon.AddDays(-1), Noon.AddDays(-40), Noon.AddDays(-400) };
        var kept = new[] { Noon, Noon.AddTicks(1), Noon.AddHours(11).AddMinutes(59), Noon.AddDays(1) };
        foreach (var (time, i) in old.Concat(kept).Select((t, i) => (t, i)))
        {
            await store.AddAsync(Error("k" + i, time), None);
        }
        // More than one transaction's worth in a single old day.
        var crowded = Noon.AddDays(-7);
        await Task.WhenAll(Enumerable.Range(0, 230).Select(i => store.AddAsync(Error("bulk" + i, crowded.AddSeconds(i)), None)));

        var purged = await store.PurgeAsync(before, None);

        Assert.Equal(old.Length + 230, purged);
        var left = await ListAllAsync(store, Around(Noon.AddDays(-500), Noon.AddDays(2), 1000));
        Assert.Equal(kept.OrderDescending(), left.Select(e => e.OccurredOn));
        Assert.Equal(0, await store.PurgeAsync(before, None));
    }
}
