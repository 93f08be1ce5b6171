using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.LocalHost.Hosting;

/// <summary>How to start a <see cref="LocalFunctionHost"/>. Only <see cref="StorageConnectionString"/> is required.</summary>
public sealed class LocalFunctionHostOptions
{
    /// <summary>Port on 127.0.0.1 to serve HTTP triggers on. 0 (the default) picks a free port; see <see cref="LocalFunctionHost.BaseAddress"/>.</summary>
    public int Port { get; set; }

    /// <summary>Storage for queue triggers and the app; becomes configuration value <c>AzureWebJobsStorage</c>.</summary>
    public required string StorageConnectionString { get; set; }

    /// <summary>
    /// Extra configuration for the function app, e.g. <c>FieldSync:Auth:SigningKey</c> or the value of a
    /// <c>%Setting%</c> queue name. Overrides everything else, including environment variables.
    /// </summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The assembly holding the function classes named by the metadata's entry points. Default: FieldSync.Functions.</summary>
    public Assembly FunctionsAssembly { get; set; } = typeof(FieldSync.Functions.ServiceRegistration).Assembly;

    /// <summary>The functions.metadata to bind. Default: the one the build copies next to this assembly's output.</summary>
    public string MetadataPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "functions.metadata");

    /// <summary>The host.json for route prefix and queue settings. Default: the repository's, copied to the output.</summary>
    public string HostJsonPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "host.json");

    /// <summary>
    /// Registers the function app's services, as its own Program.cs does. Default:
    /// <see cref="FieldSync.Functions.ServiceRegistration.AddFieldSync"/> (after AddFieldSyncTelemetry when
    /// APPLICATIONINSIGHTS_CONNECTION_STRING is set), so both hosts share registration.
    /// Tests hosting their own function classes replace it.
    /// </summary>
    public Action<IServiceCollection, IConfiguration> AddFunctionServices { get; set; } = (services, configuration) =>
    {
        // The function app's own telemetry registration, when a connection string says where to send it (a real
        // Application Insights resource, or a local endpoint); without one, telemetry goes nowhere.
        if (!string.IsNullOrEmpty(configuration[FieldSync.Functions.ServiceRegistration.TelemetryConnectionStringSetting]))
        {
            FieldSync.Functions.ServiceRegistration.AddFieldSyncTelemetry(services, configuration);
        }
        FieldSync.Functions.ServiceRegistration.AddFieldSync(services, configuration);
    };

    /// <summary>Adds configuration sources after <see cref="Settings"/> (a test's settings that change while the host runs).</summary>
    public Action<IConfigurationBuilder>? ConfigureConfiguration { get; set; }

    /// <summary>Runs after <see cref="AddFunctionServices"/>: test overrides such as a fake TimeProvider or quieter logging.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }
}
