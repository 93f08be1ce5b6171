using FieldSync.Core.Records;
using FieldSync.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.Benchmarks;

/// <summary>The function app's services as the benchmarks run them: on their Azurite, with the clock they move and the pausable seed notifier.</summary>
internal static class BenchmarkApp
{
    public static ServiceProvider Build(string storageConnectionString, TimeProvider clock, byte[] signingKey, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storageConnectionString,
            ["FieldSync:Auth:Mode"] = "Jwt",
            ["FieldSync:Auth:SigningKey"] = Convert.ToBase64String(signingKey),
        }).Build();
        var collection = new ServiceCollection();
        // As SyncHarness does: a clock the benchmark moves, registered before AddFieldSync so it is the one used.
        collection.AddSingleton(clock);
        collection.AddFieldSync(configuration);
        // Record writes notify through a notifier the seeding can pause (see SeedNotifier); otherwise the app's queue.
        collection.AddSingleton<SeedNotifier>();
        collection.AddSingleton<IRecordChangeNotifier>(sp => sp.GetRequiredService<SeedNotifier>());
        configure?.Invoke(collection);
        return collection.BuildServiceProvider();
    }
}
