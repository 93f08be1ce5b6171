using Azure.Data.Tables;
using FieldSync.Core.Devices;
using FieldSync.Core.Records;
using FieldSync.Testing;

namespace FieldSync.Storage.Tests;

/// <summary>The device registry on real Azure Tables (Azurite): binding, the device record, resets, the user index, the paged fleet listing, unbinding.</summary>
[Collection(AzuriteGroup.Name)]
public class DeviceRegistryTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private TableDeviceRegistry NewRegistry(string? prefix = null)
        => new(new TableServiceClient(azurite.ConnectionString), new StorageOptions { TablePrefix = prefix ?? "d" + Guid.NewGuid().ToString("N")[..12] });

    [Fact]
    public async Task BindAsync_SecondUser_KeepsTheFirstBinding()
    {
        var registry = NewRegistry();
        var first = await registry.BindAsync("phone-1", "tech1", Noon, None);
        var second = await registry.BindAsync("phone-1", "tech2", Noon.AddMinutes(1), None);

        Assert.Equal("tech1", first.UserId);
        Assert.Equal("tech1", second.UserId);
        Assert.Equal(Noon, second.RegisteredOn);
        Assert.Equal(0, second.Generation);
        Assert.Null(second.LastPull);
        Assert.Equal(["phone-1"], (await registry.ListByUserAsync("tech1", None)).Select(d => d.DeviceId));
        Assert.Empty(await registry.ListByUserAsync("tech2", None)); // the losing bind's index entry is cleaned when read
    }

    [Fact]
    public async Task UpdateAsync_EveryField_RoundTripsThroughGet()
    {
        var registry = NewRegistry();
        var bound = await registry.BindAsync("phone-1", "tech1", Noon, None);
        var tables = new Dictionary<string, DeviceTableStatus>(StringComparer.Ordinal)
        {
            ["bookableresourcebooking"] = new(Noon, Noon.AddMinutes(5), 12, true),
            ["product"] = new(Noon.AddHours(-1), Noon.AddHours(23), null, null),
        };
        var written = await registry.UpdateAsync(bound, d => d with
        {
            LastPullOn = Noon.AddMinutes(1),
            LastSeenOn = Noon.AddMinutes(1),
            LastPull = new DevicePull(Noon.AddMinutes(1), "FIRST_SYNC", true, 389, true),
            AppVersion = "2.4.1",
            Platform = "iOS 18.2",
            ProfileId = "field-service-mobile",
            ProfileRevision = "0123456789abcdef",
            UserSettings = new UserSyncSettings(true, SyncFrequencies.Interval, 120),
            Generation = 3,
            ErrorBaseline = 7,
            Tables = tables,
        }, None);

        var read = await registry.GetAsync("phone-1", None);
        Assert.NotNull(written);
        Assert.NotNull(read);
        Assert.Equal(written!.ETag, read!.ETag);
        Assert.Equal(new DevicePull(Noon.AddMinutes(1), "FIRST_SYNC", true, 389, true), read.LastPull);
        Assert.Equal(("2.4.1", "iOS 18.2"), (read.AppVersion, read.Platform));
        Assert.Equal(("field-service-mobile", "0123456789abcdef"), (read.ProfileId, read.ProfileRevision));
        Assert.Equal(new UserSyncSettings(true, SyncFrequencies.Interval, 120), read.UserSettings);
        Assert.Equal((3L, 7L), (read.Generation, read.ErrorBaseline));
        Assert.Equal(Noon.AddMinutes(1), read.LastSeenOn);
        Assert.Equal(tables.OrderBy(t => t.Key), read.Tables.OrderBy(t => t.Key));
        Assert.Null(read.PendingReset);
        Assert.Equal(("tech1", Noon), (read.UserId, read.RegisteredOn));
    }

    [Fact]
    public async Task UpdateAsync_RowChangedMeanwhile_AppliesTheChangeToTheRowAsItIsNow()
    {
        var registry = NewRegistry();
        var stale = await registry.BindAsync("phone-1", "tech1", Noon, None);
        var reset = new DeviceReset(DeviceResetReasons.Admin, Noon.AddMinutes(2), "admin1");
        Assert.True(await registry.RequestResetAsync("phone-1", reset, None));

        // A pull that read the record before the reset: its write must not undo the reset.
        var written = await registry.UpdateAsync(stale, d => d with { AppVersion = "2.5.0", LastSeenOn = Noon.AddMinutes(3) }, None);

        var read = await registry.GetAsync("phone-1", None);
        Assert.Equal("2.5.0", written!.AppVersion);
        Assert.Equal("2.5.0", read!.AppVersion);
        Assert.Equal(reset, read.PendingReset);
    }

    [Fact]
    public async Task UpdateAsync_ClearedValues_AreClearedInStorage()
    {
        var registry = NewRegistry();
        var bound = await registry.BindAsync("phone-1", "tech1", Noon, None);
        Assert.True(await registry.RequestResetAsync("phone-1", new DeviceReset(DeviceResetReasons.Admin, Noon, "admin1"), None));
        var marked = (await registry.GetAsync("phone-1", None))!;
        Assert.NotNull(marked.PendingReset);

        await registry.UpdateAsync(marked, d => d with { PendingReset = null, Generation = d.Generation + 1 }, None);

        var read = await registry.GetAsync("phone-1", None);
        Assert.Null(read!.PendingReset);
        Assert.Equal(bound.Generation + 1, read.Generation);
    }

    [Fact]
    public async Task UpdateAsync_DeviceRemoved_ReturnsNullAndWritesNothing()
    {
        var registry = NewRegistry();
        var bound = await registry.BindAsync("phone-1", "tech1", Noon, None);
        Assert.True(await registry.RemoveAsync(bound, None));

        Assert.Null(await registry.UpdateAsync(bound, d => d with { AppVersion = "x" }, None));
        Assert.Null(await registry.GetAsync("phone-1", None));
    }

    [Fact]
    public async Task RequestResetAsync_UnknownDevice_ReturnsFalseAndBindsNothing()
    {
        var registry = NewRegistry();
        Assert.False(await registry.RequestResetAsync("phone-9", new DeviceReset(DeviceResetReasons.Admin, Noon, "admin1"), None));
        Assert.Null(await registry.GetAsync("phone-9", None));
    }

    [Fact]
    public async Task RecordIntegrityAsync_SomeTables_KeepsTheOthers()
    {
        var registry = NewRegistry();
        var bound = await registry.BindAsync("phone-1", "tech1", Noon, None);
        await registry.UpdateAsync(bound, d => d with
        {
            Tables = new Dictionary<string, DeviceTableStatus>(StringComparer.Ordinal) { ["workorder"] = new(Noon, Noon.AddMinutes(5), 3, true), ["product"] = new(Noon, null, 10, null) },
        }, None);

        Assert.True(await registry.RecordIntegrityAsync("phone-1", new Dictionary<string, bool> { ["product"] = false, ["account"] = true }, Noon.AddHours(1), None));
        Assert.False(await registry.RecordIntegrityAsync("phone-9", new Dictionary<string, bool> { ["product"] = true }, Noon, None));

        var read = (await registry.GetAsync("phone-1", None))!;
        Assert.Equal(new DeviceTableStatus(Noon, Noon.AddMinutes(5), 3, true), read.Tables["workorder"]);
        Assert.Equal(new DeviceTableStatus(Noon, null, 10, false), read.Tables["product"]);
        Assert.Equal(new DeviceTableStatus(null, null, null, true), read.Tables["account"]);
        Assert.Equal(Noon.AddHours(1), read.LastSeenOn);
    }

    [Fact]
    public async Task ListByUserAsync_SeveralUsers_ReturnsOnlyTheUsersDevices()
    {
        var registry = NewRegistry();
        await registry.BindAsync("phone-1", "tech1", Noon, None);
        await registry.BindAsync("tablet-1", "tech1", Noon, None);
        await registry.BindAsync("phone-2", "tech2", Noon, None);

        Assert.Equal(["phone-1", "tablet-1"], (await registry.ListByUserAsync("tech1", None)).Select(d => d.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal(["phone-2"], (await registry.ListByUserAsync("tech2", None)).Select(d => d.DeviceId));
        Assert.Empty(await registry.ListByUserAsync("tech3", None));
    }

    [Fact]
    public async Task ListAsync_WholeFleetInSmallPages_ReturnsEveryDeviceOnceAndNoIndexRows()
    {
        var registry = NewRegistry();
        var ids = Enumerable.Range(0, 23).Select(i => $"device-{i:D2}").ToList();
        foreach (var id in ids)
        {
            await registry.BindAsync(id, "tech" + (ids.IndexOf(id) % 4), Noon, None);
        }

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await registry.ListAsync(new DeviceQuery(PageSize: 5, Continuation: continuation), None);
            Assert.True(page.Devices.Count <= 5);
            seen.AddRange(page.Devices.Select(d => d.DeviceId));
            continuation = page.Continuation;
            Assert.True(++pages < 50, "the listing does not end");
        }
        while (continuation is not null);

        Assert.Equal(ids, seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAsync_StaleSince_ReturnsOnlyDevicesNotSeenSince()
    {
        var registry = NewRegistry();
        var old = await registry.BindAsync("old-phone", "tech1", Noon.AddDays(-100), None);
        await registry.BindAsync("new-phone", "tech1", Noon, None);
        await registry.BindAsync("other-old", "tech2", Noon.AddDays(-95), None);
        // Seen again recently: no longer stale.
        var revived = await registry.BindAsync("revived", "tech2", Noon.AddDays(-120), None);
        await registry.UpdateAsync(revived, d => d with { LastSeenOn = Noon.AddDays(-1) }, None);

        var stale = await registry.ListAsync(new DeviceQuery(StaleSince: Noon.AddDays(-90)), None);
        var staleOfTech1 = await registry.ListAsync(new DeviceQuery(UserId: "tech1", StaleSince: Noon.AddDays(-90)), None);

        Assert.Equal(["old-phone", "other-old"], stale.Devices.Select(d => d.DeviceId).Order(StringComparer.Ordinal));
        Assert.Equal([old.DeviceId], staleOfTech1.Devices.Select(d => d.DeviceId));
        Assert.Null(staleOfTech1.Continuation);
    }

    [Fact]
    public async Task ListAsync_ContinuationOfOtherFilters_Throws()
    {
        var registry = NewRegistry();
        for (var i = 0; i < 4; i++)
        {
            await registry.BindAsync($"device-{i}", "tech1", Noon, None);
        }
        var page = await registry.ListAsync(new DeviceQuery(PageSize: 2), None);
        Assert.NotNull(page.Continuation);

        await Assert.ThrowsAsync<InvalidContinuationException>(() => registry.ListAsync(new DeviceQuery(StaleSince: Noon, PageSize: 2, Continuation: page.Continuation), None));
        await Assert.ThrowsAsync<InvalidContinuationException>(() => registry.ListAsync(new DeviceQuery(PageSize: 2, Continuation: "garbage"), None));
    }

    [Fact]
    public async Task RemoveAsync_UnchangedDevice_DeletesRowAndIndexEntry()
    {
        var registry = NewRegistry();
        var bound = await registry.BindAsync("phone-1", "tech1", Noon, None);
        await registry.BindAsync("phone-2", "tech1", Noon, None);

        Assert.True(await registry.RemoveAsync(bound, None));
        Assert.False(await registry.RemoveAsync(bound, None)); // already gone

        Assert.Null(await registry.GetAsync("phone-1", None));
        Assert.Equal(["phone-2"], (await registry.ListByUserAsync("tech1", None)).Select(d => d.DeviceId));
        // Bound again afterwards, it starts afresh.
        var again = await registry.BindAsync("phone-1", "tech2", Noon.AddDays(1), None);
        Assert.Equal(("tech2", Noon.AddDays(1), 0L), (again.UserId, again.RegisteredOn, again.Generation));
    }

    [Fact]
    public async Task RemoveAsync_DeviceChangedMeanwhile_KeepsIt()
    {
        var registry = NewRegistry();
        var stale = await registry.BindAsync("phone-1", "tech1", Noon, None);
        await registry.UpdateAsync(stale, d => d with { LastSeenOn = Noon.AddMinutes(5) }, None);

        Assert.False(await registry.RemoveAsync(stale, None));
        Assert.NotNull(await registry.GetAsync("phone-1", None));
        Assert.Single(await registry.ListByUserAsync("tech1", None));
    }
}
