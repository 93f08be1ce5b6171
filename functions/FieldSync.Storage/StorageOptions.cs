namespace FieldSync.Storage;

/// <summary>Where FieldSync keeps its data. Bound from configuration by <see cref="StorageServiceCollectionExtensions"/>.</summary>
public sealed class StorageOptions
{
    /// <summary>A storage connection string (Azurite, or keys); leave empty to use managed identity with the service URIs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table service URI for managed identity (the AzureWebJobsStorage__tableServiceUri setting).</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Queue service URI for managed identity (the AzureWebJobsStorage__queueServiceUri setting).</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>
    /// Prefix of every table FieldSync creates. It keeps tables apart only: queue names are fixed, so two environments
    /// on one storage account would take each other's queue messages. Give each environment its own account.
    /// </summary>
    public string TablePrefix { get; set; } = "fs";
}
