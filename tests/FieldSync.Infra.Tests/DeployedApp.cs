using FieldSync.Functions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.Infra.Tests;

/// <summary>The function app's services, configured from app settings the way Azure passes them (environment variables, "__" for ":").</summary>
public static class DeployedApp
{
    public static IConfiguration Configuration(IReadOnlyDictionary<string, string> settings) => new ConfigurationBuilder()
        .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
        .Build();

    /// <summary>The services as Program.cs registers them; the Functions host adds IConfiguration itself.</summary>
    public static ServiceProvider Services(IConfiguration configuration)
        => new ServiceCollection().AddSingleton(configuration).AddFieldSyncTelemetry(configuration).AddFieldSync(configuration).BuildServiceProvider();
}
