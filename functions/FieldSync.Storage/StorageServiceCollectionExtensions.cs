using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using FieldSync.Core.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="StorageOptions"/>.</summary>
    public const string SectionName = "FieldSync:Storage";

    /// <summary>
    /// Registers the Azure Storage clients and stores. Storage is the function app's own
    /// <c>AzureWebJobsStorage</c>: a connection string locally, or <c>AzureWebJobsStorage__tableServiceUri</c> /
    /// <c>__queueServiceUri</c> with the identity <c>__credential</c> and <c>__clientId</c> name in Azure (no keys; see <see cref="StorageIdentity"/>).
    /// </summary>
    public static IServiceCollection AddFieldSyncStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new StorageOptions();
        configuration.GetSection(SectionName).Bind(options);
        var section = configuration.GetSection("AzureWebJobsStorage");
        options.ConnectionString ??= section.Value;
        if (options.TableServiceUri is null && section["tableServiceUri"] is { } tableUri)
        {
            options.TableServiceUri = new Uri(tableUri);
        }
        if (options.QueueServiceUri is null && section["queueServiceUri"] is { } queueUri)
        {
            options.QueueServiceUri = new Uri(queueUri);
        }
        if (string.IsNullOrEmpty(options.ConnectionString) && (options.TableServiceUri is null || options.QueueServiceUri is null))
        {
            throw new InvalidOperationException(
                "No storage configured: set AzureWebJobsStorage to a connection string, or AzureWebJobsStorage__tableServiceUri and AzureWebJobsStorage__queueServiceUri for managed identity.");
        }

        // Table names are letters and digits, starting with a letter, at most 63 characters (the longest suffix is 11).
        if (!System.Text.RegularExpressions.Regex.IsMatch(options.TablePrefix, "^[A-Za-z][A-Za-z0-9]{0,39}$"))
        {
            throw new InvalidOperationException($"{SectionName}:TablePrefix must be 1 to 40 letters and digits starting with a letter; it is '{options.TablePrefix}'.");
        }
        services.AddSingleton(options);
        // Every storage call is counted (tests and benchmarks read the counter; telemetry can too).
        var counter = new StorageTransactionCounter();
        services.AddSingleton(counter);
        TokenCredential? credential = null;
        if (string.IsNullOrEmpty(options.ConnectionString))
        {
            var identity = StorageIdentity.FromSettings(section);
            services.AddSingleton(identity);
            credential = identity.CreateCredential();
        }
        // Extra pipeline policies registered as StoragePipelinePolicy (tests inject faults this way) run after
        // the counter, per retry, on both clients.
        services.AddSingleton(sp =>
        {
            var tableOptions = new TableClientOptions();
            tableOptions.AddPolicy(counter.Policy, Azure.Core.HttpPipelinePosition.PerRetry);
            foreach (var extra in sp.GetServices<StoragePipelinePolicy>())
            {
                tableOptions.AddPolicy(extra.Policy, Azure.Core.HttpPipelinePosition.PerRetry);
            }
            return credential is null
                ? new TableServiceClient(options.ConnectionString, tableOptions)
                : new TableServiceClient(options.TableServiceUri, credential, tableOptions);
        });
        services.AddSingleton(sp =>
        {
            // Queue-triggered functions read Base64 messages, so every client we enqueue with writes Base64.
            var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            queueOptions.AddPolicy(counter.Policy, Azure.Core.HttpPipelinePosition.PerRetry);
            foreach (var extra in sp.GetServices<StoragePipelinePolicy>())
            {
                queueOptions.AddPolicy(extra.Policy, Azure.Core.HttpPipelinePosition.PerRetry);
            }
            return credential is null
                ? new QueueServiceClient(options.ConnectionString, queueOptions)
                : new QueueServiceClient(options.QueueServiceUri, credential, queueOptions);
        });
        services.AddSingleton<IRecordStore, TableRecordStore>();
        services.AddSingleton<TableFeedStore>();
        services.AddSingleton<FieldSync.Core.Sync.IFeedStore>(sp => sp.GetRequiredService<TableFeedStore>());
        services.AddSingleton<FieldSync.Core.Sync.IScopeRetirements, TableScopeRetirements>();
        services.AddSingleton<FieldSync.Core.Sync.IProfileStore, TableProfileStore>();
        services.AddSingleton<FieldSync.Core.Devices.IDeviceRegistry, TableDeviceRegistry>();
        services.AddSingleton<FieldSync.Core.SyncErrors.ISyncErrorStore, TableSyncErrorStore>();
        services.AddSingleton<QueueFeedWork>();
        services.AddSingleton<FieldSync.Core.Sync.IFeedWork>(sp => sp.GetRequiredService<QueueFeedWork>());
        services.AddSingleton<IRecordChangeNotifier>(sp => sp.GetRequiredService<QueueFeedWork>());
        services.AddSingleton<FieldSync.Core.Push.IPushWork>(sp => sp.GetRequiredService<QueueFeedWork>());
        services.AddSingleton<FieldSync.Core.Push.IInbox, TableInbox>();
        services.AddSingleton<FieldSync.Core.Telemetry.IQueueHealthReader, QueueHealthReader>();
        return services;
    }
}

/// <summary>An extra Azure SDK pipeline policy for the storage clients (register before AddFieldSync; used by fault-injection tests).</summary>
public sealed record StoragePipelinePolicy(Azure.Core.Pipeline.HttpPipelinePolicy Policy);
