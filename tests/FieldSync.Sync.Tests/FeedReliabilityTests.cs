using Microsoft.Extensions.DependencyInjection;
using FieldSync.Core.Sync;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>Re-evaluation is idempotent and order-free; a crash between a write and its fan-out loses nothing.</summary>
public class FeedReliabilityTests
{
    private static readonly DateTimeOffset Today9 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The seed's world plus work orders, and tech1's device after its first sync, with nothing queued.</summary>
    private static async Task<DeviceSimulator> SyncedTechnicianAsync(SyncHarness h, params string[] workOrders)
    {
        await SeedAsync(h);
        foreach (var workOrder in workOrders)
        {
            await WorkOrderAsync(h, workOrder);
        }
        var device = Device(h, "tech1");
        await device.SyncAsync();
        await h.DrainAsync();
        return device;
    }

    [Fact]
    public async Task EvaluateAsync_RunTwice_SecondRunChangesNothing()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(1));
        await Device(h, "tech1").SyncAsync();
        var scope = ScopeIds.ForUser("tech1");
        var before = await h.Feed.GetHeadAsync(scope, CancellationToken.None);

        Assert.Equal(0, await h.Maintainer.EvaluateAsync(scope, CancellationToken.None));
        Assert.Equal(0, await h.Maintainer.EvaluateAsync(scope, CancellationToken.None));

        var after = await h.Feed.GetHeadAsync(scope, CancellationToken.None);
        Assert.Equal(before!.Seq, after!.Seq);
        Assert.Equal(before.ETag, after.ETag);
    }

    [Fact]
    public async Task DrainAsync_DuplicatedAndReorderedMessages_EndInTheSameState()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await WorkOrderAsync(h, "wo-2", "account-2");
        var device = Device(h, "tech1");
        await device.SyncAsync();

        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(1));
        await BookingAsync(h, "booking-2", "resource-tech1", "wo-2", Today9.AddHours(2));
        await h.UpdateAsync("bookableresourcebooking", "booking-1", ("bookingstatus", Completed));
        // Deliver the changes again, newest first, and every scope evaluation three times.
        var notifier = h.Services.GetService(typeof(FieldSync.Core.Records.IRecordChangeNotifier)) as FieldSync.Core.Records.IRecordChangeNotifier;
        await notifier!.RecordsChangedAsync([new("bookableresourcebooking", "booking-2")], CancellationToken.None);
        await notifier.RecordsChangedAsync([new("bookableresourcebooking", "booking-1")], CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await h.Services.GetService<IFeedWork>()!.EnqueueScopeAsync(ScopeIds.ForUser("tech1"), CancellationToken.None);
        }
        await h.DrainAsync();
        var head = await h.Feed.GetHeadAsync(ScopeIds.ForUser("tech1"), CancellationToken.None);
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await device.SyncAsync();

        Assert.Equal(["booking-2"], device.Ids("bookableresourcebooking"));
        Assert.Equal(["wo-2"], device.Ids("workorder"));
        // booking-1 was never delivered while it matched, so it needs no op; booking-2, wo-2, account-2: three puts.
        Assert.Equal(0, await h.Maintainer.EvaluateAsync(ScopeIds.ForUser("tech1"), CancellationToken.None));
        Assert.Equal(head!.Seq, (await h.Feed.GetHeadAsync(ScopeIds.ForUser("tech1"), CancellationToken.None))!.Seq);
    }

    [Fact]
    public async Task Sweeper_FanOutLostAfterWrite_IsRecovered()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        var device = await SyncedTechnicianAsync(h, "wo-1");

        // The write commits (with its fan-out marker) and then the process dies before the message is handled.
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(1));
        await h.LoseQueuedMessagesAsync();
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await device.SyncAsync();
        Assert.Empty(device.Ids("bookableresourcebooking"));

        h.Clock.Advance(FeedFanOut.LostAfter);
        Assert.Equal(1, await h.FanOut.SweepAsync(CancellationToken.None));
        await h.DrainAsync();
        Assert.Equal(0, await h.FanOut.SweepAsync(CancellationToken.None)); // the marker is gone once fanned out
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await device.SyncAsync();
        Assert.Equal(["booking-1"], device.Ids("bookableresourcebooking"));
        Assert.Equal(["wo-1"], device.Ids("workorder"));
    }

    [Fact]
    public async Task EvaluatePoisonedScope_EvaluationsThatKeptFailing_SettleTheWholeScope()
    {
        await using var h = await SyncHarness.StartAsync(Today9);
        var device = await SyncedTechnicianAsync(h, "wo-1", "wo-2");

        // Two writes fanned out as one message; its scope evaluation then failed on every attempt and the host
        // moved it to the poison queue (here: the fan-out ran, the evaluation message is gone).
        await h.BatchAsync(async () =>
        {
            await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(1));
            await BookingAsync(h, "booking-2", "resource-tech1", "wo-2", Today9.AddHours(2));
        });
        var queues = h.Services.GetService<Azure.Storage.Queues.QueueServiceClient>()!;
        var changes = queues.GetQueueClient(QueueNames.RecordChanges);
        var message = Assert.Single((await changes.ReceiveMessagesAsync(32)).Value);
        var fanOut = System.Text.Json.JsonSerializer.Deserialize<RecordChangedMessage>(message.Body.ToString(), SyncHarness.MessageJson)!;
        Assert.Equal(2, fanOut.Records.Count); // one message for the batch
        Assert.Equal(1, await h.FanOut.RecordsChangedAsync(fanOut.Records, CancellationToken.None)); // one scope message for both
        await h.LoseQueuedMessagesAsync();

        var functions = new FieldSync.Functions.Queues.FeedQueueFunctions(h.FanOut, h.Maintainer, h.Sweeper, FieldSync.Core.Telemetry.NullSyncTelemetry.Instance);
        await functions.EvaluatePoisonedScope("""{ "scopeId": "u|tech1", "records": [ { "table": "bookableresourcebooking", "id": "booking-1" } ] }""", CancellationToken.None);

        h.Clock.Advance(TimeSpan.FromMinutes(5)); // past FeedFanOut.LostAfter, and the bookings' sync interval
        Assert.Equal(0, await h.FanOut.SweepAsync(CancellationToken.None)); // the fan-out cleared both markers at once
        await device.SyncAsync();
        Assert.Equal(["booking-1", "booking-2"], device.Ids("bookableresourcebooking"));
        Assert.Equal(["wo-1", "wo-2"], device.Ids("workorder"));
    }

    [Fact]
    public async Task SettlePoisonedAsync_WholeEvaluationFailsToo_QueuesTheScopeAgainForLater()
    {
        CommitFailingFeedStore? feed = null;
        await using var h = await SyncHarness.StartAsync(Today9, services => services.AddSingleton<IFeedStore>(sp =>
            feed = new CommitFailingFeedStore(ActivatorUtilities.CreateInstance<FieldSync.Storage.TableFeedStore>(sp))));
        var device = await SyncedTechnicianAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Today9.AddHours(1));
        await h.LoseQueuedMessagesAsync(); // its fan-out was poisoned

        feed!.Failing = true;
        Assert.False(await h.Maintainer.SettlePoisonedAsync(ScopeIds.ForUser("tech1"), CancellationToken.None));

        // Not given up: a whole evaluation of the scope waits on the queue, invisible until its delay has passed.
        var scopes = h.Services.GetService<Azure.Storage.Queues.QueueServiceClient>()!.GetQueueClient(QueueNames.ScopeEvaluations);
        Assert.Equal(1, (await scopes.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await scopes.ReceiveMessagesAsync(32)).Value);

        feed.Failing = false;
        Assert.True(await h.Maintainer.SettlePoisonedAsync(ScopeIds.ForUser("tech1"), CancellationToken.None));
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await device.SyncAsync();
        Assert.Equal(["booking-1"], device.Ids("bookableresourcebooking"));
    }
}

internal static class ServiceProviderExtensions
{
    public static T? GetService<T>(this IServiceProvider services) => (T?)services.GetService(typeof(T));
}
