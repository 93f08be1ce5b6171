using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using FieldSync.Core.Telemetry;
using Microsoft.ApplicationInsights.Extensibility;
using FieldSync.Functions.Http;
using FieldSync.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FieldSync.Functions;

/// <summary>
/// Every FieldSync service, registered in one place. The Azure Functions app (Program.cs) and the local host
/// both call <see cref="AddFieldSync"/>, so they run the same code with the same wiring.
/// </summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddFieldSync(this IServiceCollection services, IConfiguration configuration)
    {
        // A test or the local host may register its own clock first (to move time); otherwise the system clock.
        services.TryAddSingleton(TimeProvider.System);
        services.AddLogging();

        // Configuration problems stop the app at start-up with the reason, not on the first request.
        var schemaPath = configuration[SchemaPathSetting];
        var schema = string.IsNullOrEmpty(schemaPath) ? SchemaCatalog.LoadDefault() : SchemaCatalog.LoadFile(schemaPath);
        services.AddSingleton(schema);

        var auth = new AuthOptions();
        configuration.GetSection(AuthOptions.SectionName).Bind(auth);
        auth.Validate();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(auth));
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<RequestGuard>();
        // Read on every batch, so a changed environment default applies from the next batch processed.
        services.AddOptions<SyncOptions>().Bind(configuration.GetSection(SyncOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        // Read on every cleanup run, so a changed retention or bound applies from the next run.
        services.AddOptions<FieldSync.Core.Devices.DeviceCleanupOptions>().Bind(configuration.GetSection(FieldSync.Core.Devices.DeviceCleanupOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FieldSync.Core.Push.InboxRetentionOptions>().Bind(configuration.GetSection(FieldSync.Core.Push.InboxRetentionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Application Insights when AddFieldSyncTelemetry was called first; otherwise telemetry goes nowhere.
        services.TryAddSingleton<ISyncTelemetry>(NullSyncTelemetry.Instance);

        services.AddFieldSyncStorage(configuration);
        services.AddSingleton<RecordService>();
        services.AddSingleton<ScopeEvaluator>();
        services.AddSingleton<ScopeMaintainer>();
        services.AddSingleton<FeedFanOut>();
        services.AddSingleton<FeedSweeper>();
        services.AddSingleton<PullService>();
        services.AddSingleton<FieldSync.Core.FullDelta.VerifyRequestValidator>();
        services.AddSingleton<FieldSync.Core.FullDelta.FetchRequestValidator>();
        services.AddSingleton<FieldSync.Core.FullDelta.FullDeltaSyncService>();
        services.AddSingleton<FieldSync.Core.Devices.DeviceStatusService>();
        services.AddSingleton<FieldSync.Core.Push.PushRules>();
        services.AddSingleton<FieldSync.Core.Push.PushService>();
        services.AddSingleton<FieldSync.Core.Push.PushApplier>();
        services.AddSingleton<FieldSync.Core.Online.OnlineReader>();
        services.AddSingleton<ScopeRetirement>();
        services.AddSingleton<FieldSync.Core.Cleanup.DeviceCleanup>();
        services.AddSingleton<FieldSync.Core.Cleanup.BatchPurge>();
        return services;
    }

    /// <summary>
    /// Application Insights for the isolated worker (Azure only; the local host does not call it), sent to
    /// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> and authenticated with Entra ID as
    /// <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> says (<c>Authorization=AAD;ClientId=&lt;user-assigned identity&gt;</c>).
    /// </summary>
    public static IServiceCollection AddFieldSyncTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration[TelemetryConnectionStringSetting];
        // The sampling target is read once here: the SDK builds its processor chain at start. Enabled is read at run time (TelemetrySwitch).
        var sampling = new TelemetryOptions();
        configuration.GetSection(TelemetryOptions.SectionName).Bind(sampling);
        services.AddApplicationInsightsTelemetryWorkerService(options =>
        {
            if (!string.IsNullOrEmpty(connectionString))
            {
                options.ConnectionString = connectionString;
            }
            // Configured below instead: host.json's sampling settings apply to the Functions host only, not to the worker.
            options.EnableAdaptiveSampling = false;
        });
        // Also reads APPLICATIONINSIGHTS_AUTHENTICATION_STRING and gives the SDK a managed-identity credential for it (the
        // SDK 2.23 itself does not read it); tests/FieldSync.Infra.Tests shows the upload carries the identity's token.
        services.ConfigureFunctionsApplicationInsights();
        services.Configure<Microsoft.ApplicationInsights.Extensibility.TelemetryConfiguration>(telemetry =>
        {
            // Events, traces and dependencies are sampled adaptively (queries count sum(itemCount)); exceptions never are,
            // and metrics (GetMetric) are pre-aggregated, so they are exact whatever the sampling.
            telemetry.DefaultTelemetrySink.TelemetryProcessorChainBuilder
                .UseAdaptiveSampling(sampling.MaxItemsPerSecond, excludedTypes: "Exception")
                .Build();
        });
        // The SDK adds a rule that keeps only Warning and above for its logger provider; FieldSync's information logs
        // (pulls, pushes, applied batches) are what an operator searches, so the rule goes.
        services.Configure<Microsoft.Extensions.Logging.LoggerFilterOptions>(options =>
        {
            var warningsOnly = options.Rules.FirstOrDefault(rule =>
                rule.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
            if (warningsOnly is not null)
            {
                options.Rules.Remove(warningsOnly);
            }
        });
        services.AddSingleton<ISyncTelemetry, Telemetry.ApplicationInsightsSyncTelemetry>();
        services.AddHostedService<Telemetry.TelemetrySwitch>();
        return services;
    }

    /// <summary>A schema file to use instead of the built-in field service schema.</summary>
    public const string SchemaPathSetting = "FieldSync:SchemaPath";

    public const string TelemetryConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>How telemetry authenticates: with local authentication off on the component, Entra ID is the only way in.</summary>
    public const string TelemetryAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
}
