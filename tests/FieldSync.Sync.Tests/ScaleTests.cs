using System.Text.Json;
using Azure.Storage.Queues;
using FieldSync.Core.Sync;
using FieldSync.Storage;
using Microsoft.Extensions.DependencyInjection;
using static FieldSync.Sync.Tests.FieldServiceWorld;

namespace FieldSync.Sync.Tests;

/// <summary>
/// Issue 9 on Azurite: what a write, midnight and a profile change cost must not depend on how many technicians
/// exist, and the paths that make it so (scope directory by point reads, time windows over the lookup index,
/// bounded sweep pages, shared-scope copies) must still deliver exactly what the profile selects.
/// </summary>
public class ScaleTests
{
    private static readonly DateTimeOffset Evening = new(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DispatcherEdit_FanOutCost_DoesNotGrowWithTheRegisteredScopes()
    {
        await using var h = await SyncHarness.StartAsync(Evening);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Evening.AddHours(12));
        await Device(h, "tech1").SyncAsync();
        await Device(h, "tech2").SyncAsync();
        await h.DrainAsync();
        var counter = h.Services.GetRequiredService<StorageTransactionCounter>();

        async Task<long> EditCostAsync(int edit)
        {
            await h.UpdateAsync("bookableresourcebooking", "booking-1", ("name", $"edit {edit}"));
            var queues = h.Services.GetRequiredService<QueueServiceClient>();
            var message = (await queues.GetQueueClient(QueueNames.RecordChanges).ReceiveMessagesAsync(1)).Value.Single();
            var change = JsonSerializer.Deserialize<RecordChangedMessage>(message.Body.ToString(), SyncHarness.MessageJson)!;
            counter.Reset();
            Assert.Equal(1, await h.FanOut.RecordsChangedAsync(change.Records, CancellationToken.None));
            var cost = counter.Total;
            await queues.GetQueueClient(QueueNames.RecordChanges).DeleteMessageAsync(message.MessageId, message.PopReceipt);
            await h.DrainAsync();
            return cost;
        }

        var withTwo = await EditCostAsync(1);
        // 300 more technicians' scopes (three pages of registrations, were they listed).
        for (var t = 0; t < 300; t++)
        {
            await h.Feed.RegisterScopeAsync(new ScopeRegistration(ScopeIds.ForUser($"other-{t:D3}"), "field-service-mobile", $"other-{t:D3}"), CancellationToken.None);
        }
        var withMany = await EditCostAsync(2);

        Assert.Equal(withTwo, withMany);
    }

    [Fact]
    public async Task Midnight_WithACursor_EvaluatesOnlyTheScopesHoldingRowsTheDayCrossed()
    {
        await using var h = await SyncHarness.StartAsync(Evening);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-today");
        await WorkOrderAsync(h, "wo-tomorrow", "account-2");
        await BookingAsync(h, "booking-today", "resource-tech1", "wo-today", Evening.AddHours(-4));
        await BookingAsync(h, "booking-tomorrow", "resource-tech2", "wo-tomorrow", Evening.AddHours(13));
        var tech1 = Device(h, "tech1");
        var tech2 = Device(h, "tech2");
        await tech1.SyncAsync();
        await tech2.SyncAsync();
        // The first run has no cursor: it re-evaluates every scope once and sets the cursor.
        await h.Sweeper.ReevaluateTimeRelativeAsync(CancellationToken.None);
        await h.DrainAsync();

        h.Clock.Advance(TimeSpan.FromHours(4)); // 01:00 the next day
        var queued = await h.Sweeper.ReevaluateTimeRelativeAsync(CancellationToken.None);
        Assert.Equal(1, queued); // one window: bookings whose end time lies between the two midnights
        var evaluated = await RunSweepsAndPeekScopesAsync(h);
        Assert.Equal([ScopeIds.ForUser("tech1")], evaluated);
        await h.DrainAsync();

        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await tech1.SyncAsync();
        await tech2.SyncAsync();
        Assert.Empty(tech1.Ids("bookableresourcebooking"));
        Assert.Empty(tech1.Ids("workorder"));
        Assert.Equal(["booking-tomorrow"], tech2.Ids("bookableresourcebooking"));

        // Between midnights @today does not move: nothing is queued.
        h.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(0, await h.Sweeper.ReevaluateTimeRelativeAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ProfileChange_ManyScopes_OneBoundedPagePerMessage()
    {
        await using var h = await SyncHarness.StartAsync(Evening);
        const int scopes = 250;
        for (var t = 0; t < scopes; t++)
        {
            await h.Feed.RegisterScopeAsync(new ScopeRegistration(ScopeIds.ForUser($"tech-{t:D3}"), "other-profile", $"tech-{t:D3}"), CancellationToken.None);
        }
        await h.Feed.RegisterScopeAsync(new ScopeRegistration(ScopeIds.ForUser("elsewhere"), "field-service-mobile", "elsewhere"), CancellationToken.None);

        var pages = new List<int>();
        FeedSweepMessage? next = FeedSweepMessage.EvaluateProfileScopes("other-profile");
        var queues = h.Services.GetRequiredService<QueueServiceClient>();
        var sweeps = queues.GetQueueClient(QueueNames.FeedSweeps);
        await sweeps.CreateIfNotExistsAsync();
        while (next is not null)
        {
            pages.Add(await h.Sweeper.HandleAsync(next, CancellationToken.None));
            var queued = (await sweeps.ReceiveMessagesAsync(32)).Value;
            Assert.True(queued.Length <= 1);
            next = queued.Length == 0 ? null : JsonSerializer.Deserialize<FeedSweepMessage>(queued[0].Body.ToString(), SyncHarness.MessageJson);
            if (queued.Length == 1)
            {
                await sweeps.DeleteMessageAsync(queued[0].MessageId, queued[0].PopReceipt);
            }
        }

        Assert.Equal([FeedSweeper.ScopesPerPage, FeedSweeper.ScopesPerPage, scopes - (2 * FeedSweeper.ScopesPerPage)], pages);
        var evaluations = await PeekAllAsync(queues.GetQueueClient(QueueNames.ScopeEvaluations));
        Assert.Equal(scopes, evaluations.Count);
        Assert.Equal(scopes, evaluations.Distinct().Count());
        Assert.DoesNotContain(ScopeIds.ForUser("elsewhere"), evaluations);
    }

    [Fact]
    public async Task ResourceGivenToAnotherUser_BothTechniciansFollow()
    {
        await using var h = await SyncHarness.StartAsync(Evening);
        await SeedAsync(h);
        await WorkOrderAsync(h, "wo-1");
        await BookingAsync(h, "booking-1", "resource-tech1", "wo-1", Evening.AddHours(12));
        var tech1 = Device(h, "tech1");
        var tech3 = Device(h, "tech3");
        await tech1.SyncAsync();
        await tech3.SyncAsync();
        Assert.Equal(["booking-1"], tech1.Ids("bookableresourcebooking"));
        Assert.Empty(tech3.Ids("bookableresourcebooking"));

        await h.UpdateAsync("bookableresource", "resource-tech1", ("userid", "tech3"));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromMinutes(5));
        await tech1.SyncAsync();
        await tech3.SyncAsync();

        Assert.Empty(tech1.Ids("bookableresourcebooking"));
        Assert.Equal(["booking-1"], tech3.Ids("bookableresourcebooking"));
        Assert.Equal(["wo-1"], tech3.Ids("workorder"));
    }

    [Fact]
    public async Task SharedCopies_DevicesReadDifferentCopies_EveryCopyTakesAProductEdit()
    {
        await using var h = await SyncHarness.StartAsync(Evening, settings: new Dictionary<string, string?> { ["FieldSync:Sync:SharedScopeReplicas"] = "8" });
        await SeedAsync(h);
        // Two devices of one technician that hash to different copies of the shared scope.
        var ids = Enumerable.Range(0, 100).Select(i => $"tablet-{i}").ToList();
        var first = ids[0];
        var second = ids.First(id => h.Maintainer.SharedCopyFor("field-service-mobile", id) != h.Maintainer.SharedCopyFor("field-service-mobile", first));
        var a = Device(h, "tech1", first);
        var b = Device(h, "tech1", second);
        await a.SyncAsync();
        await b.SyncAsync();
        var copies = (await h.ListAllScopesAsync()).Where(r => !ScopeIds.IsUserScope(r.ScopeId)).Select(r => r.ScopeId).ToHashSet();
        Assert.Contains(h.Maintainer.SharedCopyFor("field-service-mobile", first), copies);
        Assert.Contains(h.Maintainer.SharedCopyFor("field-service-mobile", second), copies);
        Assert.Contains(ScopeIds.Shared("field-service-mobile"), copies);

        await h.UpdateAsync("product", "product-1", ("name", "Boiler valve, rev 2"));
        await h.CreateAsync("product", "product-2", ("name", "Flue gasket"));
        await h.DrainAsync();
        h.Clock.Advance(TimeSpan.FromDays(1));
        await a.SyncAsync();
        await b.SyncAsync();

        foreach (var device in new[] { a, b })
        {
            Assert.Equal(["product-1", "product-2"], device.Ids("product").Order(StringComparer.Ordinal));
            Assert.Equal("Boiler valve, rev 2", device.Tables["product"]["product-1"].GetProperty("name").GetString());
        }
    }

    /// <summary>Runs the queued sweep pages (and their continuations), then lists the scopes they queued, without running those.</summary>
    private static async Task<List<string>> RunSweepsAndPeekScopesAsync(SyncHarness h)
    {
        var queues = h.Services.GetRequiredService<QueueServiceClient>();
        var sweeps = queues.GetQueueClient(QueueNames.FeedSweeps);
        while ((await sweeps.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
        {
            foreach (var message in batch)
            {
                await h.Sweeper.HandleAsync(JsonSerializer.Deserialize<FeedSweepMessage>(message.Body.ToString(), SyncHarness.MessageJson)!, CancellationToken.None);
                await sweeps.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
        return [.. (await PeekAllAsync(queues.GetQueueClient(QueueNames.ScopeEvaluations))).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>The scope ids of every queued scope evaluation (received and made visible again at once).</summary>
    private static async Task<List<string>> PeekAllAsync(QueueClient queue)
    {
        var scopes = new List<string>();
        var received = new List<Azure.Storage.Queues.Models.QueueMessage>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value is { Length: > 0 } batch)
        {
            received.AddRange(batch);
            scopes.AddRange(batch.Select(m => JsonSerializer.Deserialize<ScopeEvaluationMessage>(m.Body.ToString(), SyncHarness.MessageJson)!.ScopeId));
        }
        foreach (var message in received)
        {
            await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, message.Body, TimeSpan.Zero);
        }
        return scopes;
    }
}
