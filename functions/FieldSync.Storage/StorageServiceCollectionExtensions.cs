using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using FieldSync.Core.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Azure Storage clients and stores. Storage is the function app's own
    /// <c>AzureWebJobsStorage</c>: a connection string locally, or <c>AzureWebJobsStorage__tableServiceUri</c> /
    /// <c>__queueServiceUri</c> with managed identity in Azure (no keys).
    /// </summary>
    public static IServiceCollection AddFieldSyncStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new StorageOptions();
        configuration.GetSection("FieldSync:Storage").Bind(options);
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

        services.AddSingleton(options);
        // Every storage call is counted (tests and benchmarks read the counter; telemetry can too).
        var counter = new StorageTransactionCounter();
        services.AddSingleton(counter);
        TokenCredential? credential = string.IsNullOrEmpty(options.ConnectionString) ? new DefaultAzureCredential() : null;
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
        services.AddSingleton<FieldSync.Core.Sync.IFeedStore, TableFeedStore>();
        services.AddSingleton<FieldSync.Core.Sync.IProfileStore, TableProfileStore>();
        services.AddSingleton<FieldSync.Core.Sync.IDeviceRegistry, TableDeviceRegistry>();
        services.AddSingleton<FieldSync.Core.SyncErrors.ISyncErrorStore, TableSyncErrorStore>();
        services.AddSingleton<QueueFeedWork>();
        services.AddSingleton<FieldSync.Core.Sync.IFeedWork>(sp => sp.GetRequiredService<QueueFeedWork>());
        services.AddSingleton<IRecordChangeNotifier>(sp => sp.GetRequiredService<QueueFeedWork>());
        services.AddSingleton<FieldSync.Core.Push.IPushWork>(sp => sp.GetRequiredService<QueueFeedWork>());
        services.AddSingleton<FieldSync.Core.Push.IInbox, TableInbox>();
        return services;
    }
}

/// <summary>An extra Azure SDK pipeline policy for the storage clients (register before AddFieldSync; used by fault-injection tests).</summary>
public sealed record StoragePipelinePolicy(Azure.Core.Pipeline.HttpPipelinePolicy Policy);
