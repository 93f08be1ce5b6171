using FieldSync.Client.Storage;

namespace FieldSync.Client.Tests;

[Collection(ClientHostGroup.Name)]
public sealed class CrashTests(ClientHostFixture host)
{
    [Fact]
    public async Task SyncAsync_CrashWhileApplyingAReceivedPage_LeavesNothingOfItAndTheNextSyncCompletes()
    {
        using var dispatcher = host.Dispatcher();
        var agenda = await dispatcher.NewTechnicianAsync();
        var path = host.NewDatabasePath();
        await using (var store = await LocalStore.OpenAsync(path))
        {
            var written = 0;
            store.BeforePulledRowWritten = (_, _) =>
            {
                // The app dies with some of the page's rows already written in the open transaction.
                if (++written == 3)
                {
                    throw new SimulatedCrashException();
                }
            };
            using var client = host.Client(agenda.User, agenda.Device, store);
            await Assert.ThrowsAsync<SimulatedCrashException>(() => client.SyncAsync());
            Assert.True(written >= 3);
        }

        await using var reopened = await LocalStore.OpenAsync(path);
        Assert.Null(await reopened.GetCheckpointAsync());
        Assert.Empty(await reopened.ListAsync("bookableresourcebooking"));
        Assert.Empty(await reopened.ListAsync("workorder"));
        Assert.Empty(await reopened.ListAsync("account"));

        using var restarted = host.Client(agenda.User, agenda.Device, reopened);
        var result = await restarted.SyncAsync();
        Assert.Equal("FIRST_SYNC", result.SyncModes[0]);
        Assert.True((await reopened.GetAsync("bookableresourcebooking", agenda.Booking)).Found);
        Assert.Empty((await restarted.GetStatusAsync()).IntegrityMismatches);
    }
}
