using FieldSync.Client.Storage;
using Microsoft.Data.Sqlite;

namespace FieldSync.Client.Tests;

/// <summary>The SDK's full delta sync against the real host: a damaged database repairs itself without a re-download.</summary>
[Collection(ClientHostGroup.Name)]
public sealed class FullDeltaSyncTests(ClientHostFixture host)
{
    /// <summary>Changes the database file behind the store's back, as a bug or a half-restored backup would.</summary>
    private static async Task DamageAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.True(await command.ExecuteNonQueryAsync() > 0, sql);
    }

    [Fact]
    public async Task RepairAsync_RowMissingExtraAndStale_RepairsWithoutADownload_AndAnUnsentChangeStays()
    {
        await using var device = await TestDevice.StartAsync(host);
        var (agenda, store, client) = (device.Agenda, device.Store, device.Client);
        var accountBefore = (await store.GetAsync("account", agenda.Account)).Record!;
        await DamageAsync(device.DatabasePath, $"DELETE FROM rows WHERE tbl = 'workorder' AND id = '{agenda.WorkOrder}'");
        await DamageAsync(device.DatabasePath, $"UPDATE rows SET version = 99 WHERE tbl = 'account' AND id = '{agenda.Account}'");
        await DamageAsync(device.DatabasePath,
            $"INSERT INTO rows (tbl, id, version, data) SELECT tbl, id || '-extra', version, data FROM rows WHERE tbl = 'bookableresourcebooking' AND id = '{agenda.Booking}'");
        // A local change not pushed yet: the repair works on the server's rows and leaves the outbox alone.
        await store.UpdateAsync("bookableresourcebooking", agenda.Booking, new() { ["name"] = "edited offline" });

        var repair = await client.RepairAsync();

        Assert.Equal(["account", "bookableresourcebooking", "workorder"], repair.TablesRepaired.Order(StringComparer.Ordinal));
        Assert.Equal(2, repair.RowsReceived); // the work order (missing) and the account (stale), sent whole by the verify
        Assert.Equal(1, repair.RowsDeleted); // the extra booking
        Assert.Equal(0, repair.Fetches);
        Assert.Equal(1, (await store.GetAsync("workorder", agenda.WorkOrder)).Record!.Version);
        Assert.Equal(accountBefore.Version, (await store.GetAsync("account", agenda.Account)).Record!.Version);
        Assert.False((await store.GetAsync("bookableresourcebooking", agenda.Booking + "-extra")).Found);
        var booking = (await store.GetAsync("bookableresourcebooking", agenda.Booking)).Record!;
        Assert.Equal("edited offline", booking.Data.GetProperty("name").GetString());
        Assert.True(booking.HasPendingChanges);
        Assert.Empty((await client.GetStatusAsync()).IntegrityMismatches); // the repair's forced pull re-checked every table
    }

    [Fact]
    public async Task SyncAsync_PullFindsAMismatch_RepairsItByItself()
    {
        await using var device = await TestDevice.StartAsync(host);
        await DamageAsync(device.DatabasePath, $"DELETE FROM rows WHERE tbl = 'workorder' AND id = '{device.Agenda.WorkOrder}'");

        var result = await device.Client.SyncAsync(new SyncRequest { Force = true }); // every table's figures come back

        var repair = Assert.IsType<RepairResult>(result.Repair);
        Assert.Equal(["workorder"], repair.TablesRepaired);
        Assert.Empty(result.IntegrityMismatches);
        Assert.True((await device.Store.GetAsync("workorder", device.Agenda.WorkOrder)).Found);
        var again = await device.Client.SyncAsync();
        Assert.Null(again.Repair);
    }

    [Fact]
    public async Task RepairAsync_NothingDamaged_VerifiesOnceAndChangesNothing()
    {
        await using var device = await TestDevice.StartAsync(host);
        var before = await device.Store.ListAsync("workorder");

        var repair = await device.Client.RepairAsync();

        Assert.Equal(1, repair.Verifies);
        Assert.Empty(repair.TablesRepaired);
        Assert.Equal((0, 0L, 0L), (repair.Fetches, repair.RowsReceived, repair.RowsDeleted));
        Assert.Equal(before.Select(r => (r.Id, r.Version)), (await device.Store.ListAsync("workorder")).Select(r => (r.Id, r.Version)));
        Assert.Empty((await device.Client.GetStatusAsync()).IntegrityMismatches);
    }

    [Fact]
    public async Task RepairAsync_CrashWhileApplyingAVerifyAnswer_LeavesTheDamageAsItWas_AndTheNextRepairCompletes()
    {
        await using var device = await TestDevice.StartAsync(host);
        var (agenda, store, client) = (device.Agenda, device.Store, device.Client);
        var checkpoint = await store.GetCheckpointAsync();
        await DamageAsync(device.DatabasePath, $"DELETE FROM rows WHERE tbl IN ('workorder', 'account') AND id IN ('{agenda.WorkOrder}', '{agenda.Account}')");
        var written = 0;
        store.BeforePulledRowWritten = (_, _) =>
        {
            if (++written == 2)
            {
                throw new SimulatedCrashException(); // one of the answer's two rows is written in the open transaction
            }
        };

        await Assert.ThrowsAsync<SimulatedCrashException>(() => client.RepairAsync());

        Assert.Equal(checkpoint, await store.GetCheckpointAsync());
        Assert.False((await store.GetAsync("workorder", agenda.WorkOrder)).Found);
        Assert.False((await store.GetAsync("account", agenda.Account)).Found);
        store.BeforePulledRowWritten = null;
        var repair = await client.RepairAsync();
        Assert.Equal(2, repair.RowsReceived);
        Assert.True((await store.GetAsync("workorder", agenda.WorkOrder)).Found);
        Assert.True((await store.GetAsync("account", agenda.Account)).Found);
    }
}
