using System.Text.Json;
using FieldSync.LocalHost.Hosting;
using FieldSync.LocalHost.Tests.TestFunctions;
using FieldSync.Testing;

namespace FieldSync.LocalHost.Tests;

public sealed class QueueTriggerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private TestFunctionHost _host = null!;

    public async Task InitializeAsync() => _host = await TestFunctionHost.StartAsync(azurite);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void Start_QueueNameFromSetting_IsResolvedFromConfiguration()
    {
        var bound = _host.Host.Functions.Single(f => f.Name == "OnText");

        Assert.Equal(TriggerKind.Queue, bound.Trigger);
        Assert.Equal(_host.TextQueue, bound.QueueName);
    }

    [Fact]
    public async Task SendMessage_StringParameter_InvokesFunctionWithText()
    {
        var queue = _host.Queue(_host.TextQueue);
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync("hello from the queue");

        var calls = await _host.Recorder.WaitForAsync("OnText", 1);
        Assert.Equal("hello from the queue", Assert.Single(calls));
        await AssertEmptyAsync(_host.TextQueue);
    }

    [Fact]
    public async Task SendMessage_PocoParameter_InvokesFunctionWithDeserializedJson()
    {
        var queue = _host.Queue(_host.OrderQueue);
        await queue.CreateIfNotExistsAsync();

        // Web defaults: camelCase JSON binds to the PascalCase record.
        await queue.SendMessageAsync(JsonSerializer.Serialize(new { orderId = "wo-1", amount = 12.5m }));

        var calls = await _host.Recorder.WaitForAsync("OnOrder", 1);
        Assert.Equal(new TestOrder("wo-1", 12.5m), Assert.Single(calls));
    }

    [Fact]
    public async Task SendMessage_SeveralAtOnce_InvokesFunctionForEach()
    {
        var queue = _host.Queue(_host.TextQueue);
        await queue.CreateIfNotExistsAsync();
        var texts = Enumerable.Range(1, 10).Select(i => $"message {i}").ToList();

        await Task.WhenAll(texts.Select(t => queue.SendMessageAsync(t)));

        var calls = await _host.Recorder.WaitForAsync("OnText", texts.Count);
        Assert.Equal(texts.Order(), calls.Cast<string>().Order());
    }

    [Fact]
    public async Task SendMessage_FunctionAlwaysFails_MovesMessageToPoisonAfterMaxDequeueCount()
    {
        var queue = _host.Queue(_host.FailingQueue);
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync("doomed");

        // test-host.json: maxDequeueCount 2, visibilityTimeout 0.
        var poison = _host.Queue(_host.FailingQueue + "-poison");
        var poisoned = await WaitForMessageAsync(poison);
        Assert.Equal("doomed", poisoned);
        Assert.Equal(2, _host.Recorder.Calls("AlwaysFails").Count);
        await AssertEmptyAsync(_host.FailingQueue);
    }

    private async Task AssertEmptyAsync(string queueName)
    {
        // Deleted, not merely invisible: the approximate count includes invisible messages.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        int count;
        while ((count = (await _host.Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.Equal(0, count);
    }

    private static async Task<string> WaitForMessageAsync(Azure.Storage.Queues.QueueClient queue)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await queue.ExistsAsync())
            {
                var peeked = (await queue.PeekMessagesAsync(1)).Value;
                if (peeked.Length > 0)
                {
                    return peeked[0].Body.ToString();
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"No message arrived in {queue.Name}.");
    }
}
