using FieldSync.Client.Notifications;
using FieldSync.Client.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace FieldSync.Client.Tests.Unit;

/// <summary>A scheduler on a fake clock, a fake network and the in-memory server, over a real SQLite store.</summary>
internal sealed class SchedulerRig : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    private SchedulerRig(TempStore store, FakeTimeProvider clock, FakeSyncServer server, FakeNetwork network, FieldSyncClient client, SyncScheduler scheduler)
    {
        (Temp, Clock, Server, Network, Client, Scheduler) = (store, clock, server, network, client, scheduler);
        Client.Notification += (_, n) => Notifications.Add(n);
        Scheduler.DeviceStatusChanged += (_, s) => Statuses.Add(s);
    }

    public TempStore Temp { get; }

    public FakeTimeProvider Clock { get; }

    public FakeSyncServer Server { get; }

    public FakeNetwork Network { get; }

    public FieldSyncClient Client { get; }

    public SyncScheduler Scheduler { get; }

    public List<SyncNotification> Notifications { get; } = [];

    public List<DeviceStatus> Statuses { get; } = [];

    /// <summary>The rig, with <paramref name="configure"/> applied to the server before anything runs; not started.</summary>
    public static async Task<SchedulerRig> CreateAsync(Action<FakeSyncServer>? configure = null, NetworkKind network = NetworkKind.WiFi)
    {
        var clock = new FakeTimeProvider(Start);
        var server = new FakeSyncServer(clock);
        configure?.Invoke(server);
        var temp = await TempStore.CreateAsync();
        var client = NewClient(temp, server, clock);
        var fakeNetwork = new FakeNetwork(network);
        return new SchedulerRig(temp, clock, server, fakeNetwork, client, new SyncScheduler(client, fakeNetwork, time: clock));
    }

    /// <summary>Another client on the same store, server and clock: the app started again.</summary>
    public FieldSyncClient Restarted() => NewClient(Temp, Server, Clock);

    /// <summary>Moves the clock and waits until every decision and sync it caused has run.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Clock.Advance(by);
        await Scheduler.WhenIdleAsync();
    }

    public async Task StartActiveAsync()
    {
        Scheduler.IsAppActive = true;
        Scheduler.Start();
        await Scheduler.WhenIdleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Scheduler.DisposeAsync();
        Client.Dispose();
        await Temp.DisposeAsync();
        Server.Dispose();
    }

    private static FieldSyncClient NewClient(TempStore temp, FakeSyncServer server, FakeTimeProvider clock) => new(new FieldSyncClientOptions
    {
        ServerAddress = new Uri("http://fieldsync.test/"),
        DeviceId = "phone-1",
        AccessToken = _ => ValueTask.FromResult("token"),
        // The fake server answers at once; retries would wait on the fake clock.
        MaxRetries = 0,
    }, temp.Store, server, clock);
}
