using FieldSync.LocalHost.Hosting;

namespace FieldSync.LocalHost.Tests;

public sealed class HostJsonTests
{
    [Fact]
    public void Load_TestHostJsonWithCommentsAndTrailingComma_ReadsQueueSettings()
    {
        var hostJson = HostJson.Load(TestFunctionHost.HostJsonPath);

        Assert.Equal("api", hostJson.RoutePrefix);
        Assert.Equal(4, hostJson.Queues.BatchSize);
        Assert.Equal(2, hostJson.Queues.NewBatchThreshold);
        Assert.Equal(TimeSpan.FromMilliseconds(200), hostJson.Queues.MaxPollingInterval);
        Assert.Equal(TimeSpan.Zero, hostJson.Queues.VisibilityTimeout);
        Assert.Equal(2, hostJson.Queues.MaxDequeueCount);
        Assert.Equal("base64", hostJson.Queues.MessageEncoding);
    }

    [Fact]
    public void Load_NoExtensions_UsesFunctionsHostDefaults()
    {
        var path = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "version": "2.0" }""");
        try
        {
            var hostJson = HostJson.Load(path);

            Assert.Equal("api", hostJson.RoutePrefix);
            Assert.Equal(new QueueTriggerSettings(), hostJson.Queues);
            Assert.Equal(16, hostJson.Queues.BatchSize);
            Assert.Equal(TimeSpan.FromMinutes(1), hostJson.Queues.MaxPollingInterval);
            Assert.Equal(5, hostJson.Queues.MaxDequeueCount);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_RepositoryHostJson_IsCopiedToOutputAndParses()
    {
        var hostJson = HostJson.Load(Path.Combine(AppContext.BaseDirectory, "host.json"));

        Assert.Equal("api", hostJson.RoutePrefix);
    }
}
