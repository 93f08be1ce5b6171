using FieldSync.LocalHost.Tests.TestFunctions;
using FieldSync.Testing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FieldSync.LocalHost.Tests;

public sealed class TimerTriggerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task EverySecondSchedule_HostRunning_FiresAtLeastTwiceWithScheduleStatus()
    {
        await using var host = await TestFunctionHost.StartAsync(azurite);

        var calls = await host.Recorder.WaitForAsync("Tick", 2, TimeSpan.FromSeconds(10));

        var second = Assert.IsType<TimerInfo>(calls[1]);
        Assert.NotNull(second.ScheduleStatus);
        // Last is the first run's occurrence; Next the one after this run's; both on whole seconds (UTC).
        Assert.NotEqual(default, second.ScheduleStatus.Last);
        Assert.True(second.ScheduleStatus.Next > second.ScheduleStatus.Last);
        Assert.Equal(0, second.ScheduleStatus.Last.Millisecond);
        Assert.Equal(0, second.ScheduleStatus.Next.Millisecond);
        Assert.Equal(DateTimeKind.Utc, second.ScheduleStatus.Next.Kind);
    }

    [Fact]
    public async Task EverySecondSchedule_TimeProviderRegistered_FiresOnItsTimeNotTheWallClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, 500, TimeSpan.Zero));
        await using var host = await TestFunctionHost.StartAsync(azurite, o => o.ConfigureServices = s => s.AddSingleton<TimeProvider>(time));

        // Over a wall-clock second passes, but not a second of the host's time.
        await Task.Delay(1200);
        Assert.Empty(host.Recorder.Calls("Tick"));

        time.Advance(TimeSpan.FromSeconds(1));

        var tick = Assert.IsType<TimerInfo>(Assert.Single(await host.Recorder.WaitForAsync("Tick", 1)));
        Assert.False(tick.IsPastDue);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 2, DateTimeKind.Utc), tick.ScheduleStatus!.Next);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 1, 500, DateTimeKind.Utc), tick.ScheduleStatus.LastUpdated);
    }
}
