using FieldSync.Client.Scheduling;
using FieldSync.Client.Storage;
using FieldSync.Client.Tests.Unit;

namespace FieldSync.Client.Tests;

/// <summary>The network check against the real host, a server that never answers and a closed port: "Network or Service Unavailable".</summary>
[Collection(ClientHostGroup.Name)]
public sealed class HealthTests(ClientHostFixture host)
{
    [Fact]
    public async Task CheckHealthAsync_LocalHost_AnswersInTime()
    {
        await using var store = await LocalStore.OpenAsync(host.NewDatabasePath());
        using var client = host.Client("tech-health", "phone-health", store);

        var result = await client.CheckHealthAsync();

        Assert.True(result.IsAvailable, result.Problem);
        Assert.Null(result.Problem);
        Assert.Equal(ServiceAvailability.Available, client.Availability);
    }

    [Fact]
    public async Task CheckHealthAsync_ServerNeverAnswers_UnavailableAfterTheTimeout_AndTheSchedulerStartsNoSync()
    {
        using var silent = new SilentListener();
        await using var store = await LocalStore.OpenAsync(host.NewDatabasePath());
        using var client = host.Client("tech-silent", "phone-silent", store, server: silent.Address, healthCheckTimeout: TimeSpan.FromMilliseconds(400));

        var result = await client.CheckHealthAsync();

        Assert.False(result.IsAvailable);
        Assert.Contains("no answer within 0.4 s", result.Problem, StringComparison.Ordinal);
        Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5));
        Assert.Equal(ServiceAvailability.Unavailable, client.Availability);
        Assert.Contains(silent.Received, r => r.StartsWith("GET /api/health", StringComparison.Ordinal));

        await using var scheduler = new SyncScheduler(client, new FakeNetwork(NetworkKind.WiFi)) { IsAppActive = true };
        scheduler.Start();
        await scheduler.WhenIdleAsync();

        Assert.Equal(SyncHeldBack.ServiceUnavailable, scheduler.Status!.HeldBack);
        Assert.Equal("Network or Service Unavailable", scheduler.Status.Message);
        Assert.False(scheduler.Status.IsConnected);
        Assert.DoesNotContain(silent.Received, r => r.Contains("/api/sync/pull", StringComparison.Ordinal));
        Assert.Null(await store.GetCheckpointAsync());
    }

    [Fact]
    public async Task CheckHealthAsync_ClosedPort_UnavailableAtOnce()
    {
        await using var store = await LocalStore.OpenAsync(host.NewDatabasePath());
        using var client = host.Client("tech-closed", "phone-closed", store, server: SilentListener.ClosedPort());

        var result = await client.CheckHealthAsync();

        Assert.False(result.IsAvailable);
        Assert.NotNull(result.Problem);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(5), $"took {result.Elapsed}");
        Assert.Equal(ServiceAvailability.Unavailable, client.Availability);
    }
}
