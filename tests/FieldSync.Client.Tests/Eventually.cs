namespace FieldSync.Client.Tests;

/// <summary>
/// Repeats a sync until a condition holds: the server applies pushes and fans writes out on queue triggers, so what
/// a test waits for arrives a few hundred milliseconds later.
/// </summary>
internal static class Eventually
{
    public static async Task SyncUntilAsync(FieldSyncClient client, Func<Task<bool>> done, string what, int attempts = 60)
    {
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            await client.SyncAsync(new SyncRequest { Force = true });
            if (await done())
            {
                return;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"Not reached after {attempts} forced syncs: {what}");
    }
}
