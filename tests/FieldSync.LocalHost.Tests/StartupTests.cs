using System.Text.Json.Nodes;
using FieldSync.LocalHost.Hosting;
using FieldSync.LocalHost.Tests.TestFunctions;
using FieldSync.Testing;

namespace FieldSync.LocalHost.Tests;

/// <summary>What the host refuses to start on: every problem is reported at startup, naming the function.</summary>
public sealed class StartupTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task StartAsync_QueueNameSettingMissing_ThrowsNamingFunctionAndSetting()
    {
        var options = TestFunctionHost.Options(azurite, new Recorder(), o => o.Settings.Remove("OrderQueue"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalFunctionHost.StartAsync(options));

        Assert.Contains("'OnOrder'", error.Message, StringComparison.Ordinal);
        Assert.Contains("OrderQueue", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NeedsContext", "FunctionContext")]
    [InlineData("NeedsUnknown", "notInRoute")]
    public async Task StartAsync_ParameterCannotBeBound_ThrowsNamingFunction(string method, string expected)
    {
        var metadata = WriteMetadata(method, "things/{id}", "httpTrigger");
        var options = TestFunctionHost.Options(azurite, new Recorder(), o => o.MetadataPath = metadata);

        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalFunctionHost.StartAsync(options));

            Assert.Contains($"'{method}'", error.Message, StringComparison.Ordinal);
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(metadata);
        }
    }

    [Fact]
    public async Task StartAsync_UnsupportedOutputBinding_ThrowsNamingFunction()
    {
        var metadata = WriteMetadata("NeedsContext", "things", "httpTrigger", new JsonObject { ["name"] = "out", ["type"] = "queue", ["direction"] = "Out", ["queueName"] = "q" });
        var options = TestFunctionHost.Options(azurite, new Recorder(), o => o.MetadataPath = metadata);

        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LocalFunctionHost.StartAsync(options));

            Assert.Contains("'NeedsContext'", error.Message, StringComparison.Ordinal);
            Assert.Contains("queue", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(metadata);
        }
    }

    private static string WriteMetadata(string method, string route, string triggerType, JsonObject? extraBinding = null)
    {
        var bindings = new JsonArray
        {
            new JsonObject { ["name"] = "req", ["type"] = triggerType, ["direction"] = "In", ["methods"] = new JsonArray("get"), ["route"] = route },
        };
        if (extraBinding is not null)
        {
            bindings.Add(extraBinding);
        }
        var metadata = new JsonArray
        {
            new JsonObject
            {
                ["name"] = method,
                ["scriptFile"] = "FieldSync.LocalHost.Tests.dll",
                ["entryPoint"] = $"{typeof(UnbindableFunctions).FullName}.{method}",
                ["bindings"] = bindings,
            },
        };
        var path = Path.Combine(Path.GetTempPath(), $"functions-{Guid.NewGuid():N}.metadata");
        File.WriteAllText(path, metadata.ToJsonString());
        return path;
    }
}
