using System.Reflection;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using FieldSync.Functions;
using FieldSync.Functions.Timers;
using FieldSync.Storage;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FieldSync.Infra.Tests;

/// <summary>
/// The app settings the template deploys, bound into the app the way Azure passes them (environment variables, "__"
/// for ":"), with the app's own service registration: its services come out configured from them. No network.
/// </summary>
public class AppConfigurationTests
{
    private static IConfiguration Configuration(IReadOnlyDictionary<string, string> settings) => DeployedApp.Configuration(settings);

    private static ServiceProvider App(IConfiguration configuration) => DeployedApp.Services(configuration);

    [Fact]
    public void TemplateSettings_AreExactlyWhatADeploymentMustSet()
    {
        var settings = TemplateAppSettings.Load().Keys.Order(StringComparer.Ordinal);
        Assert.Equal(AppSettingNames.SetByDeployment.Order(StringComparer.Ordinal), settings);
        Assert.Equal(AppSettingNames.SetByDeployment.Order(StringComparer.Ordinal), TemplateAppSettings.LoadVariant().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TemplateSettings_AreAllReadByTheApp()
    {
        var unknown = TemplateAppSettings.Load().Keys.Except(AppSettingNames.All).ToList();
        Assert.True(unknown.Count == 0, $"the template sets settings the app never reads: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void AppSettingNames_All_HasEveryOptionsProperty()
    {
        // The list is built from the option classes, so a new option is a setting the template must consider.
        Assert.Contains("FieldSync__Auth__MetadataAddress", AppSettingNames.All);
        Assert.Contains("FieldSync__Sync__SharedScopeReplicas", AppSettingNames.All);
        Assert.Contains("FieldSync__Storage__TablePrefix", AppSettingNames.All);
        Assert.Equal(AppSettingNames.All.Count, AppSettingNames.All.Distinct().Count());
    }

    [Fact]
    public void DefaultDeployment_StorageClients_UseTheServiceUrisAndTheUserAssignedIdentity()
    {
        var settings = TemplateAppSettings.Load();
        using var app = App(Configuration(settings));
        Assert.Equal(new Uri(settings["AzureWebJobsStorage__tableServiceUri"]), app.GetRequiredService<TableServiceClient>().Uri);
        Assert.Equal(new Uri(settings["AzureWebJobsStorage__queueServiceUri"]), app.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal(new StorageIdentity(StorageCredentialKind.ManagedIdentity, TemplateAppSettings.StandInIdentityClientId), app.GetRequiredService<StorageIdentity>());
        Assert.Equal("fs", app.GetRequiredService<StorageOptions>().TablePrefix);
        Assert.Null(app.GetRequiredService<StorageOptions>().ConnectionString);
    }

    [Fact]
    public void DefaultDeployment_Auth_IsEntraForTheTenantAndTheApi()
    {
        var settings = TemplateAppSettings.Load();
        using var app = App(Configuration(settings));
        var auth = app.GetRequiredService<IOptions<AuthOptions>>().Value;
        Assert.Equal(AuthMode.Entra, auth.Mode);
        Assert.Equal(InfraTemplate.TenantId, auth.TenantId);
        Assert.Equal([InfraTemplate.ApiClientId, $"api://{InfraTemplate.ApiClientId}"], auth.EntraAudiences);
        Assert.Equal(new Uri($"https://login.microsoftonline.com/{InfraTemplate.TenantId}/v2.0/.well-known/openid-configuration"), auth.EntraMetadataAddress);
        // Constructing it validates the options: a template value the app refuses would fail here, as at start-up.
        Assert.Equal(AuthMode.Entra, app.GetRequiredService<CallerAuthenticator>().Mode);
    }

    [Fact]
    public void DefaultDeployment_SyncAndRetention_TakeTheTemplateDefaults()
    {
        var settings = TemplateAppSettings.Load();
        var configuration = Configuration(settings);
        using var app = App(configuration);
        var sync = app.GetRequiredService<IOptions<SyncOptions>>().Value;
        Assert.False(sync.ConflictDetection);
        Assert.Equal(1, sync.SharedScopeReplicas);
        var timer = new SyncErrorTimerFunctions(null!, configuration, TimeProvider.System, NullLogger<SyncErrorTimerFunctions>.Instance);
        Assert.Equal(30, timer.RetentionDays());
        Assert.Equal(90, app.GetRequiredService<IOptions<FieldSync.Core.Devices.DeviceCleanupOptions>>().Value.StaleAfterDays);
        Assert.Equal(30, app.GetRequiredService<IOptions<FieldSync.Core.Push.InboxRetentionOptions>>().Value.InboxRetentionDays);
    }

    [Fact]
    public async Task DefaultDeployment_Telemetry_GoesToTheComponentWithTheIdentitysEntraToken()
    {
        var settings = TemplateAppSettings.Load();
        await using var app = App(Configuration(settings));
        var telemetry = app.GetRequiredService<TelemetryConfiguration>();
        Assert.Equal(settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], telemetry.ConnectionString);
        // SDK 2.23 keeps the credential it sends tokens with in a non-public envelope, set from the authentication string
        // (TelemetryUploadTests shows the token it sends).
        var envelope = typeof(TelemetryConfiguration).GetProperty("CredentialEnvelope", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        Assert.NotNull(envelope);
        Assert.NotNull(envelope.GetValue(telemetry));
    }

    [Fact]
    public async Task DeployedSettings_WorkerSampling_IsConfiguredInCodeAndSparesExceptions()
    {
        await using var app = App(Configuration(TemplateAppSettings.Load()));
        var telemetry = app.GetRequiredService<TelemetryConfiguration>();
        var samplers = telemetry.DefaultTelemetrySink.TelemetryProcessors
            .OfType<Microsoft.ApplicationInsights.WindowsServer.TelemetryChannel.AdaptiveSamplingTelemetryProcessor>().ToList();
        var sampler = Assert.Single(samplers);
        Assert.Equal("Exception", sampler.ExcludedTypes);
        Assert.Equal(new FieldSync.Core.Telemetry.TelemetryOptions().MaxItemsPerSecond, sampler.MaxTelemetryItemsPerSecond);
    }

    [Fact]
    public async Task WithoutAuthenticationString_Telemetry_HasNoCredential()
    {
        var settings = TemplateAppSettings.Load().Where(s => s.Key != ServiceRegistration.TelemetryAuthenticationSetting).ToDictionary();
        await using var app = App(Configuration(settings));
        var telemetry = app.GetRequiredService<TelemetryConfiguration>();
        var envelope = typeof(TelemetryConfiguration).GetProperty("CredentialEnvelope", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)!;
        Assert.Null(envelope.GetValue(telemetry));
    }

    [Fact]
    public void VariantDeployment_EasyAuthPrefixAndConflictDetection_ReachTheApp()
    {
        using var app = App(Configuration(TemplateAppSettings.LoadVariant()));
        Assert.Equal(AuthMode.EasyAuth, app.GetRequiredService<CallerAuthenticator>().Mode);
        Assert.Equal(InfraTemplate.VariantTablePrefix, app.GetRequiredService<StorageOptions>().TablePrefix);
        Assert.True(app.GetRequiredService<IOptions<SyncOptions>>().Value.ConflictDetection);
    }

    [Fact]
    public void PlaceholderClientId_AppRefusesToStart()
    {
        // What a deployment without FIELDSYNC_API_CLIENT_ID would run: the app must say so instead of refusing every token.
        var settings = TemplateAppSettings.Load().ToDictionary();
        settings["FieldSync__Auth__ClientId"] = Guid.Empty.ToString();
        var error = Assert.Throws<InvalidOperationException>(() => App(Configuration(settings)));
        Assert.Contains("FIELDSYNC_API_CLIENT_ID", error.Message, StringComparison.Ordinal);
    }
}
