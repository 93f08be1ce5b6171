using Azure.Storage.Queues;
using FieldSync.LocalHost.Hosting;
using FieldSync.LocalHost.Tests.TestFunctions;
using FieldSync.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.LocalHost.Tests;

/// <summary>A LocalFunctionHost over the test function classes, with its own queues and recorder.</summary>
internal sealed class TestFunctionHost : IAsyncDisposable
{
    public static readonly string MetadataPath = Path.Combine(AppContext.BaseDirectory, "TestHost", "test-functions.metadata");
    public static readonly string HostJsonPath = Path.Combine(AppContext.BaseDirectory, "TestHost", "test-host.json");

    private readonly string _connectionString;

    private TestFunctionHost(LocalFunctionHost host, Recorder recorder, string connectionString, IDictionary<string, string?> settings)
    {
        Host = host;
        Recorder = recorder;
        _connectionString = connectionString;
        TextQueue = settings["TextQueue"]!;
        OrderQueue = settings["OrderQueue"]!;
        FailingQueue = settings["FailingQueue"]!;
    }

    public LocalFunctionHost Host { get; }

    public Recorder Recorder { get; }

    public string TextQueue { get; }

    public string OrderQueue { get; }

    public string FailingQueue { get; }

    /// <summary>Options for the test functions with unique queue names; <paramref name="configure"/> may change anything.</summary>
    public static LocalFunctionHostOptions Options(AzuriteFixture azurite, Recorder recorder, Action<LocalFunctionHostOptions>? configure = null)
    {
        var options = new LocalFunctionHostOptions
        {
            StorageConnectionString = azurite.ConnectionString,
            FunctionsAssembly = typeof(TestFunctionHost).Assembly,
            MetadataPath = MetadataPath,
            HostJsonPath = HostJsonPath,
            AddFunctionServices = (services, _) => services.AddSingleton(recorder),
            Settings =
            {
                ["TextQueue"] = AzuriteFixture.UniqueName("text"),
                ["OrderQueue"] = AzuriteFixture.UniqueName("order"),
                ["FailingQueue"] = AzuriteFixture.UniqueName("failing"),
            },
        };
        configure?.Invoke(options);
        return options;
    }

    public static async Task<TestFunctionHost> StartAsync(AzuriteFixture azurite, Action<LocalFunctionHostOptions>? configure = null)
    {
        var recorder = new Recorder();
        var options = Options(azurite, recorder, configure);
        var host = await LocalFunctionHost.StartAsync(options);
        return new TestFunctionHost(host, recorder, azurite.ConnectionString, options.Settings);
    }

    /// <summary>A client for <paramref name="name"/> that writes Base64 messages, as the queue triggers expect.</summary>
    public QueueClient Queue(string name) => new(_connectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
