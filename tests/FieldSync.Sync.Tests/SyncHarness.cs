using System.Text.Json;
using Azure.Storage.Queues;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using FieldSync.Functions;
using FieldSync.LocalHost.Azurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FieldSync.Sync.Tests;

/// <summary>
/// The sync pipeline on its own Azurite (tables and queues are real), wired by the same AddFieldSync as the
/// function app, with a clock the test moves. Queue work is run by <see cref="DrainAsync"/>, which plays the
/// queue triggers: it receives real messages and calls the same services the queue functions call.
/// </summary>
public sealed class SyncHarness : IAsyncDisposable
{
    public const string Dispatcher = "dispatcher1";

    public static readonly JsonSerializerOptions MessageJson = new(JsonSerializerDefaults.Web);

    private readonly AzuriteProcess azurite;
    private readonly ServiceProvider services;

    private SyncHarness(AzuriteProcess azurite, ServiceProvider services, FakeTimeProvider clock)
    {
        this.azurite = azurite;
        this.services = services;
        Clock = clock;
    }

    public FakeTimeProvider Clock { get; }

    public IServiceProvider Services => services;

    public RecordService Records => services.GetRequiredService<RecordService>();

    public PullService Pulls => services.GetRequiredService<PullService>();

    public FeedFanOut FanOut => services.GetRequiredService<FeedFanOut>();

    public ScopeMaintainer Maintainer => services.GetRequiredService<ScopeMaintainer>();

    public FeedSweeper Sweeper => services.GetRequiredService<FeedSweeper>();

    public IFeedStore Feed => services.GetRequiredService<IFeedStore>();

    public static async Task<SyncHarness> StartAsync(DateTimeOffset? now = null, Action<IServiceCollection>? configure = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var azurite = await AzuriteProcess.StartAsync();
        var clock = new FakeTimeProvider(now ?? new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["FieldSync:Auth:Mode"] = "Jwt",
            ["FieldSync:Auth:SigningKey"] = Convert.ToBase64String(LocalTokens.NewKey()),
        }.Concat(settings ?? new Dictionary<string, string?>())).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(clock);
        collection.AddFieldSync(configuration);
        configure?.Invoke(collection);
        return new SyncHarness(azurite, collection.BuildServiceProvider(), clock);
    }

    /// <summary>Runs queued work (record fan-out, then scope evaluations) until both queues are empty.</summary>
    public async Task<int> DrainAsync(int maxRounds = 200)
    {
        var queues = services.GetRequiredService<QueueServiceClient>();
        var pushes = queues.GetQueueClient(QueueNames.Push);
        await pushes.CreateIfNotExistsAsync();
        var changes = queues.GetQueueClient(QueueNames.RecordChanges);
        var scopes = queues.GetQueueClient(QueueNames.ScopeEvaluations);
        var sweeps = queues.GetQueueClient(QueueNames.FeedSweeps);
        await changes.CreateIfNotExistsAsync();
        await scopes.CreateIfNotExistsAsync();
        await sweeps.CreateIfNotExistsAsync();
        var handled = 0;
        for (var round = 0; round < maxRounds; round++)
        {
            var any = false;
            foreach (var message in (await pushes.ReceiveMessagesAsync(32)).Value)
            {
                var push = JsonSerializer.Deserialize<FieldSync.Core.Push.PushMessage>(message.Body.ToString(), MessageJson)!;
                await services.GetRequiredService<FieldSync.Core.Push.PushApplier>().ApplyDeviceAsync(push.DeviceId, CancellationToken.None);
                await pushes.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                handled++;
                any = true;
            }
            foreach (var message in (await sweeps.ReceiveMessagesAsync(32)).Value)
            {
                var sweep = JsonSerializer.Deserialize<FeedSweepMessage>(message.Body.ToString(), MessageJson)!;
                await Sweeper.HandleAsync(sweep, CancellationToken.None);
                await sweeps.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                handled++;
                any = true;
            }
            foreach (var message in (await changes.ReceiveMessagesAsync(32)).Value)
            {
                var change = JsonSerializer.Deserialize<RecordChangedMessage>(message.Body.ToString(), MessageJson)!;
                await FanOut.RecordsChangedAsync(change.Records, CancellationToken.None);
                await changes.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                handled++;
                any = true;
            }
            // Scope work runs concurrently, as several queue-trigger instances would: evaluations of the same scope
            // race, and the head's If-Match must make the loser start over.
            var batch = (await scopes.ReceiveMessagesAsync(32)).Value;
            await Task.WhenAll(batch.Select(async message =>
            {
                var work = JsonSerializer.Deserialize<ScopeEvaluationMessage>(message.Body.ToString(), MessageJson)!;
                await Maintainer.HandleAsync(work, CancellationToken.None);
                await scopes.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }));
            handled += batch.Length;
            any |= batch.Length > 0;
            if (!any)
            {
                return handled;
            }
        }
        throw new InvalidOperationException("Queues did not drain.");
    }

    /// <summary>Every registered scope, page by page (for checks; the app never lists them all at once).</summary>
    public async Task<List<ScopeRegistration>> ListAllScopesAsync()
    {
        var all = new List<ScopeRegistration>();
        string? after = null;
        do
        {
            var page = await Feed.ListScopesAsync(null, after, 100, CancellationToken.None);
            all.AddRange(page.Scopes);
            after = page.Next;
        }
        while (after is not null);
        return all;
    }

    /// <summary>Drops whatever is queued, as if the messages were lost.</summary>
    public async Task LoseQueuedMessagesAsync()
    {
        var queues = services.GetRequiredService<QueueServiceClient>();
        await queues.GetQueueClient(QueueNames.RecordChanges).ClearMessagesAsync();
        await queues.GetQueueClient(QueueNames.ScopeEvaluations).ClearMessagesAsync();
        await queues.GetQueueClient(QueueNames.FeedSweeps).CreateIfNotExistsAsync();
        await queues.GetQueueClient(QueueNames.FeedSweeps).ClearMessagesAsync();
        await queues.GetQueueClient(QueueNames.Push).CreateIfNotExistsAsync();
        await queues.GetQueueClient(QueueNames.Push).ClearMessagesAsync();
    }

    private List<ChangedRecord>? batched;

    /// <summary>
    /// Runs <paramref name="writes"/> with their fan-out collected and sent as one message at the end, as an
    /// applied push batch sends it: the multi-record fan-out and scope evaluation paths.
    /// </summary>
    public async Task BatchAsync(Func<Task> writes)
    {
        batched = [];
        try
        {
            await writes();
        }
        finally
        {
            var changes = batched;
            batched = null;
            await services.GetRequiredService<IRecordChangeNotifier>().RecordsChangedAsync(changes, CancellationToken.None);
        }
    }

    public async Task<Record> CreateAsync(string table, string id, params (string Column, object? Value)[] values)
    {
        var result = await Records.CreateAsync(table, id, values.ToDictionary(v => v.Column, v => v.Value), Dispatcher, CancellationToken.None, batched);
        Assert.True(result.Succeeded, $"create {table} {id}: {result.Outcome} {string.Join("; ", result.Errors?.Select(e => e.Field + ": " + e.Message) ?? [])} {result.Detail}");
        return result.Record!;
    }

    public async Task<Record> UpdateAsync(string table, string id, params (string Column, object? Value)[] values)
    {
        var result = await Records.UpdateAsync(table, id, VersionCondition.Any, values.ToDictionary(v => v.Column, v => v.Value), Dispatcher, CancellationToken.None, batched);
        Assert.True(result.Succeeded, $"update {table} {id}: {result.Outcome} {result.Detail}");
        return result.Record!;
    }

    public async Task DeleteAsync(string table, string id)
    {
        var result = await Records.DeleteAsync(table, id, VersionCondition.Any, Dispatcher, CancellationToken.None, batched);
        Assert.True(result.Succeeded, $"delete {table} {id}: {result.Outcome}");
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await azurite.DisposeAsync();
    }
}
