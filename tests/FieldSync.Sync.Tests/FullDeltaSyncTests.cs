using FieldSync.Core.Devices;
using FieldSync.Core.FullDelta;
using FieldSync.Core.Sync;
using Microsoft.Extensions.DependencyInjection;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>Full delta sync (verify + fetch) on Azurite: a damaged device repairs itself to exactly what a first sync holds.</summary>
public class FullDeltaSyncTests
{
    private static readonly DateTimeOffset Today9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static FullDeltaSyncService Service(SyncHarness h) => h.Services.GetRequiredService<FullDeltaSyncService>();

    /// <summary>Three bookings of tech1 (with work orders), one of tech2, and <paramref name="products"/> products.</summary>
    private static async Task<SyncHarness> WorldAsync(int products = 12)
    {
        var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        for (var i = 1; i <= 3; i++)
        {
            await WorkOrderAsync(h, $"wo-{i}");
            await BookingAsync(h, $"booking-{i}", "resource-tech1", $"wo-{i}", Today9.AddHours(i));
        }
        await WorkOrderAsync(h, "wo-other", "account-2");
        await BookingAsync(h, "booking-other", "resource-tech2", "wo-other", Today9.AddHours(1));
        for (var i = 2; i <= products; i++)
        {
            await h.CreateAsync("product", $"product-{i}", ("name", $"Part {i}"));
        }
        await h.DrainAsync();
        return h;
    }

    /// <summary>Every table's ids and versions, to compare two devices.</summary>
    private static Dictionary<string, string> Holdings(DeviceSimulator device)
        => device.Tables.Where(t => t.Value.Count > 0).ToDictionary(t => t.Key,
            t => string.Join(",", t.Value.Keys.Order(StringComparer.Ordinal).Select(id => $"{id}@{device.VersionOf(t.Key, id)}")), StringComparer.Ordinal);

    private static async Task AssertSameAsFirstSyncAsync(SyncHarness h, DeviceSimulator device)
    {
        var fresh = Device(h, "tech1", "fresh-" + Guid.NewGuid().ToString("N")[..8]);
        await fresh.SyncAsync();
        Assert.Equal(Holdings(fresh), Holdings(device));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FullDeltaSync_MissingExtraAndStaleRows_RepairsToWhatAFirstSyncHolds(bool withFilters)
    {
        await using var h = await WorldAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();
        // A change the device has not pulled yet: the list gives the newer version, which the device fetches.
        await h.UpdateAsync("bookableresourcebooking", "booking-2", ("name", "moved"));
        await h.DrainAsync();
        device.Damage("bookableresourcebooking", "booking-1", "booking-extra", "booking-3");
        device.Damage("product", "product-4", "product-extra", "product-7");

        var run = await device.FullDeltaSyncAsync(Service(h), withFilters: withFilters);

        Assert.Equal(2, run.Deleted);
        // booking-1, booking-2 (newer), booking-3, product-4, product-7: with the held-rows filters the verify sends them whole
        // (none of the five is a false positive of these filters), without them the device fetches them, one fetch a table.
        Assert.Equal(withFilters ? (0, 5) : (5, 0), (run.Fetched, run.Sent));
        Assert.Equal(withFilters ? 0 : 2, run.Fetches);
        Assert.Equal(0, run.Gone);
        Assert.Equal(1, run.Verifies);
        var repaired = run.Tables.Where(t => t.Status == VerifyStatuses.Repair).Select(t => t.Table).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["bookableresourcebooking", "product"], repaired);
        await AssertSameAsFirstSyncAsync(h, device);

        // The device record shows the tables that did not match; the next pull's figures match what the device holds
        // (DeviceSimulator checks every figure a pull carries) and it has nothing to deliver.
        var record = await h.Services.GetRequiredService<IDeviceRegistry>().GetAsync("device-tech1", CancellationToken.None);
        Assert.False(record!.Tables["product"].ChecksumMatched);
        Assert.False(record.Tables["bookableresourcebooking"].ChecksumMatched);
        Assert.True(record.Tables["workorder"].ChecksumMatched);
        var next = await device.SyncAsync(force: true);
        Assert.All(next[^1].Status, s => Assert.NotNull(s.Checksum));
        Assert.Empty(next.SelectMany(r => r.Changes));

        // A second verify finds everything matched, and says so in the record.
        var again = await device.FullDeltaSyncAsync(Service(h));
        Assert.All(again.Tables, t => Assert.Equal(VerifyStatuses.Matched, t.Status));
        Assert.Equal(0, again.Fetches + again.Deleted);
        record = await h.Services.GetRequiredService<IDeviceRegistry>().GetAsync("device-tech1", CancellationToken.None);
        Assert.True(record!.Tables["product"].ChecksumMatched);
    }

    [Fact]
    public async Task FullDeltaSync_NothingDamaged_AnswersMatchedAndLeavesTheCheckpoint()
    {
        await using var h = await WorldAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();
        var before = device.Checkpoint;

        var run = await device.FullDeltaSyncAsync(Service(h));

        Assert.All(run.Tables, t => Assert.Equal(VerifyStatuses.Matched, t.Status));
        Assert.All(run.Tables, t => Assert.Empty(t.Rows));
        Assert.Equal(0, run.Fetches);
        Assert.Equal(before, device.Checkpoint);
    }

    [Fact]
    public async Task FullDeltaSync_SmallPagesWithWritesBetweenThem_ConvergesAfterTheNextPull()
    {
        await using var h = await WorldAsync(products: 40);
        var device = Device(h, "tech1");
        await device.SyncAsync();
        device.Tables["product"].Clear(); // lost the whole table
        device.Damage("bookableresourcebooking", "booking-1", "booking-extra", "booking-3");
        var writes = 0;

        var run = await device.FullDeltaSyncAsync(Service(h), pageSize: 7, betweenPages: async () =>
        {
            // Writes on both sides of where the list has got: an early id, a late id, a new one and a removal.
            writes++;
            await h.UpdateAsync("product", $"product-{(writes % 2 == 0 ? 10 : 9)}", ("name", $"renamed {writes}"));
            await h.CreateAsync("product", $"product-new-{writes}", ("name", "new"));
            if (writes == 2)
            {
                await h.DeleteAsync("product", "product-8");
            }
            await h.DrainAsync();
        });

        Assert.True(run.Verifies >= 6, $"{run.Verifies} verify pages");
        await device.SyncAsync(force: true);
        await AssertSameAsFirstSyncAsync(h, device);
    }

    [Fact]
    public async Task Fetch_AnotherTechniciansRow_IsGoneWithoutItsData()
    {
        await using var h = await WorldAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();
        var other = Device(h, "tech2");
        await other.SyncAsync();
        var theirs = (await h.Feed.GetMemberAsync(ScopeIds.ForUser("tech2"), "bookableresourcebooking", "booking-other", CancellationToken.None))!;

        foreach (var seqs in new IReadOnlyList<long>?[] { null, [theirs.OpSeq, 1] })
        {
            var outcome = await Service(h).FetchAsync("tech1", new FetchRequest("device-tech1", device.Checkpoint, "bookableresourcebooking", ["booking-other", "booking-1"], seqs), CancellationToken.None);

            Assert.Equal(FullDeltaFailure.None, outcome.Failure);
            Assert.Equal(["booking-other"], outcome.Result!.Gone);
            Assert.Equal(["booking-1"], outcome.Result.Rows.Select(r => r.Id));
        }
    }

    [Fact]
    public async Task Verify_CheckpointOfAnOlderDatabase_IsSupersededAndAResetIsAskedFor()
    {
        await using var h = await WorldAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();
        var old = device.Checkpoint;
        device.Reset();
        await device.SyncAsync(); // a first sync: a new database
        var service = Service(h);
        var empty = new Dictionary<string, ReportedHolding?>();

        var superseded = await service.VerifyAsync("tech1", new VerifyRequest("device-tech1", old, empty), CancellationToken.None);
        Assert.Equal(FullDeltaFailure.CheckpointSuperseded, superseded.Failure);
        var fetch = await service.FetchAsync("tech1", new FetchRequest("device-tech1", old, "product", ["product-1"]), CancellationToken.None);
        Assert.Equal(FullDeltaFailure.CheckpointSuperseded, fetch.Failure);

        var registry = h.Services.GetRequiredService<IDeviceRegistry>();
        Assert.True(await registry.RequestResetAsync("device-tech1", new DeviceReset(DeviceResetReasons.Admin, Today9, "admin1"), CancellationToken.None));
        var reset = await service.VerifyAsync("tech1", new VerifyRequest("device-tech1", device.Checkpoint, empty), CancellationToken.None);
        Assert.Equal(FullDeltaFailure.ResetRequired, reset.Failure);
    }

    [Fact]
    public async Task Verify_BadInput_IsRefusedAndChangesNothing()
    {
        await using var h = await WorldAsync();
        var device = Device(h, "tech1");
        await device.SyncAsync();
        await Device(h, "tech2").SyncAsync();
        var registry = h.Services.GetRequiredService<IDeviceRegistry>();
        var before = (await registry.GetAsync("device-tech1", CancellationToken.None))!.ETag;
        var service = Service(h);
        var cp = device.Checkpoint;
        var good = new ReportedHolding(1, "0123456789abcdef");

        var verifies = new (VerifyRequest Request, FullDeltaFailure Expected)[]
        {
            (new VerifyRequest("device-tech1", cp, new Dictionary<string, ReportedHolding?> { ["spaceship"] = good }), FullDeltaFailure.Invalid),
            (new VerifyRequest("device-tech1", cp, new Dictionary<string, ReportedHolding?> { ["product"] = new(1, "xyz") }), FullDeltaFailure.Invalid),
            (new VerifyRequest("device-tech1", cp, new Dictionary<string, ReportedHolding?> { ["product"] = new(null, "0123456789abcdef") }), FullDeltaFailure.Invalid),
            (new VerifyRequest(null, cp, new Dictionary<string, ReportedHolding?>()), FullDeltaFailure.Invalid),
            (new VerifyRequest("device-tech1", null, new Dictionary<string, ReportedHolding?>()), FullDeltaFailure.Invalid),
            (new VerifyRequest("device-tech1", cp, new Dictionary<string, ReportedHolding?>(), "garbage"), FullDeltaFailure.InvalidContinuation),
            (new VerifyRequest("device-tech1", cp, new Dictionary<string, ReportedHolding?>(), null, FullDeltaLimits.MaxPageRows + 1), FullDeltaFailure.Invalid),
            (new VerifyRequest("device-tech1", cp, new Dictionary<string, ReportedHolding?> { ["product"] = good with { HeldRows = "not base64!" } }), FullDeltaFailure.Invalid),
            (new VerifyRequest("device-tech1", cp, new Dictionary<string, ReportedHolding?> { ["product"] = good with { HeldRows = "" } }), FullDeltaFailure.Invalid),
            (new VerifyRequest("device-tech1", cp, new Dictionary<string, ReportedHolding?> { ["product"] = good with { HeldRows = Convert.ToBase64String(new byte[HeldRowsFilter.MaxBytes + 1]) } }), FullDeltaFailure.Invalid),
            (new VerifyRequest("device-tech2", cp, new Dictionary<string, ReportedHolding?>()), FullDeltaFailure.DeviceOfOtherUser),
            (new VerifyRequest("device-tech1", "garbage", new Dictionary<string, ReportedHolding?>()), FullDeltaFailure.InvalidCheckpoint),
        };
        foreach (var (request, expected) in verifies)
        {
            Assert.Equal(expected, (await service.VerifyAsync("tech1", request, CancellationToken.None)).Failure);
        }
        var fetches = new (FetchRequest Request, FullDeltaFailure Expected)[]
        {
            (new FetchRequest("device-tech1", cp, "product", [.. Enumerable.Range(0, 1001).Select(i => $"p-{i}")]), FullDeltaFailure.Invalid),
            (new FetchRequest("device-tech1", cp, "product", []), FullDeltaFailure.Invalid),
            (new FetchRequest("device-tech1", cp, "product", ["a/b"]), FullDeltaFailure.Invalid),
            (new FetchRequest("device-tech1", cp, "product", ["p-1", "p-1"]), FullDeltaFailure.Invalid),
            (new FetchRequest("device-tech1", cp, "product", ["p-1"], [1, 2]), FullDeltaFailure.Invalid),
            (new FetchRequest("device-tech1", cp, "spaceship", ["p-1"]), FullDeltaFailure.Invalid),
            (new FetchRequest("device-tech2", cp, "product", ["p-1"]), FullDeltaFailure.DeviceOfOtherUser),
        };
        foreach (var (request, expected) in fetches)
        {
            Assert.Equal(expected, (await service.FetchAsync("tech1", request, CancellationToken.None)).Failure);
        }
        Assert.Equal(before, (await registry.GetAsync("device-tech1", CancellationToken.None))!.ETag);
    }
}
