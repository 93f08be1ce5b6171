using Azure;
using Azure.Data.Tables;
using FieldSync.Testing;

namespace FieldSync.Storage.Tests;

[Collection(AzuriteGroup.Name)]
public class CreateOnceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Store_TableCreationFailsOnce_NextCallCreatesItAndLaterCallsDoNotCreateAgain()
    {
        var policy = new FailFirstTableCreationPolicy(failures: 1);
        var options = new TableClientOptions();
        // No SDK retries: the store itself must recover on its next call, which is what is being tested.
        options.Retry.MaxRetries = 0;
        options.AddPolicy(policy, Azure.Core.HttpPipelinePosition.PerRetry);
        var service = new TableServiceClient(azurite.ConnectionString, options);
        var store = new TableRecordStore(service, Stores.Schema, new StorageOptions { TablePrefix = "c" + Guid.NewGuid().ToString("N")[..12] });

        await Assert.ThrowsAsync<RequestFailedException>(() => store.GetAsync("account", "a1", CancellationToken.None));
        Assert.Null(await store.GetAsync("account", "a1", CancellationToken.None));
        Assert.Null(await store.GetAsync("account", "a2", CancellationToken.None));

        Assert.Equal(2, policy.CreateRequests);
    }

    [Fact]
    public async Task Value_ConcurrentCallersDuringAnAttempt_ShareIt()
    {
        var calls = 0;
        var release = new TaskCompletionSource();
        var once = new CreateOnce(() =>
        {
            Interlocked.Increment(ref calls);
            return release.Task;
        });

        var waiting = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() => once.Value, CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default)).ToArray();
        var attempts = await Task.WhenAll(waiting);
        release.SetResult();
        await Task.WhenAll(attempts);
        await once.Value;

        Assert.Equal(1, calls);
        Assert.All(attempts, attempt => Assert.Same(attempts[0], attempt));
    }

    [Fact]
    public async Task Value_AttemptThrowsSynchronously_NextCallTriesAgain()
    {
        var calls = 0;
        var once = new CreateOnce(() => ++calls == 1 ? throw new InvalidOperationException("first") : Task.CompletedTask);

        Assert.Throws<InvalidOperationException>(() => { _ = once.Value; });
        await once.Value;
        await once.Value;

        Assert.Equal(2, calls);
    }
}
