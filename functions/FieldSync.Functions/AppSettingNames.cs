using System.Reflection;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using FieldSync.Functions.Timers;
using FieldSync.Storage;

namespace FieldSync.Functions;

/// <summary>
/// The app settings the function app reads in Azure, as the portal and Bicep name them (<c>__</c> between
/// sections). The deployment template sets exactly <see cref="SetByDeployment"/>, and a test compares the two, so
/// a setting added to the code without the template (or the other way round) fails the build.
/// </summary>
public static class AppSettingNames
{
    public const string StorageCredential = "AzureWebJobsStorage__credential";
    public const string StorageClientId = "AzureWebJobsStorage__clientId";
    /// <summary>Read by the Functions host (timer leases, queue triggers); FieldSync's own clients use the table and queue URIs.</summary>
    public const string StorageBlobServiceUri = "AzureWebJobsStorage__blobServiceUri";
    public const string StorageQueueServiceUri = "AzureWebJobsStorage__queueServiceUri";
    public const string StorageTableServiceUri = "AzureWebJobsStorage__tableServiceUri";

    /// <summary>Every setting FieldSync's option classes bind, plus the host's storage identity and telemetry.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        StorageCredential, StorageClientId, StorageBlobServiceUri, StorageQueueServiceUri, StorageTableServiceUri,
        ServiceRegistration.TelemetryConnectionStringSetting, ServiceRegistration.TelemetryAuthenticationSetting,
        .. Bound<AuthOptions>(AuthOptions.SectionName),
        .. Bound<SyncOptions>(SyncOptions.SectionName),
        .. Bound<StorageOptions>(StorageServiceCollectionExtensions.SectionName),
        .. Bound<FieldSync.Core.Telemetry.TelemetryOptions>(FieldSync.Core.Telemetry.TelemetryOptions.SectionName),
        .. Bound<FieldSync.Core.Devices.DeviceCleanupOptions>(FieldSync.Core.Devices.DeviceCleanupOptions.SectionName),
        .. Bound<FieldSync.Core.Push.InboxRetentionOptions>(FieldSync.Core.Push.InboxRetentionOptions.SectionName),
        AppSetting(SyncErrorTimerFunctions.RetentionDaysSetting),
        AppSetting(ServiceRegistration.SchemaPathSetting),
    ];

    /// <summary>
    /// What a deployment must decide: the identity and endpoints of storage, telemetry and its sign-in, who may
    /// call (tenant, API registration, cloud), and the defaults an admin tunes. The rest keep their code defaults
    /// (or are for local runs only: a signing key, a connection string, a schema file).
    /// </summary>
    public static IReadOnlyList<string> SetByDeployment { get; } =
    [
        StorageCredential, StorageClientId, StorageBlobServiceUri, StorageQueueServiceUri, StorageTableServiceUri,
        ServiceRegistration.TelemetryConnectionStringSetting, ServiceRegistration.TelemetryAuthenticationSetting,
        AppSetting($"{AuthOptions.SectionName}:{nameof(AuthOptions.Mode)}"),
        AppSetting($"{AuthOptions.SectionName}:{nameof(AuthOptions.TenantId)}"),
        AppSetting($"{AuthOptions.SectionName}:{nameof(AuthOptions.ClientId)}"),
        AppSetting($"{AuthOptions.SectionName}:{nameof(AuthOptions.Audience)}"),
        AppSetting($"{AuthOptions.SectionName}:{nameof(AuthOptions.Instance)}"),
        AppSetting($"{SyncOptions.SectionName}:{nameof(SyncOptions.ConflictDetection)}"),
        AppSetting($"{SyncOptions.SectionName}:{nameof(SyncOptions.SharedScopeReplicas)}"),
        AppSetting(SyncErrorTimerFunctions.RetentionDaysSetting),
        AppSetting($"{FieldSync.Core.Devices.DeviceCleanupOptions.SectionName}:{nameof(FieldSync.Core.Devices.DeviceCleanupOptions.StaleAfterDays)}"),
        AppSetting($"{FieldSync.Core.Push.InboxRetentionOptions.SectionName}:{nameof(FieldSync.Core.Push.InboxRetentionOptions.InboxRetentionDays)}"),
        AppSetting($"{StorageServiceCollectionExtensions.SectionName}:{nameof(StorageOptions.TablePrefix)}"),
    ];

    /// <summary>A configuration key (<c>A:B</c>) as an app setting (<c>A__B</c>).</summary>
    public static string AppSetting(string configurationKey) => configurationKey.Replace(":", "__", StringComparison.Ordinal);

    private static IEnumerable<string> Bound<T>(string section) => typeof(T)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.SetMethod!.IsPublic)
        .Select(p => AppSetting($"{section}:{p.Name}"));
}
