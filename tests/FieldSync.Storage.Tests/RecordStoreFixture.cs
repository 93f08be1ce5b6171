using Azure.Data.Tables;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Testing;

namespace FieldSync.Storage.Tests;

/// <summary>One Azurite for the assembly; every test gets its own table prefix so no state is shared.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteGroup : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}

public static class Stores
{
    public static readonly SchemaCatalog Schema = SchemaCatalog.LoadDefault();

    /// <summary>A record store on tables of its own (a fresh prefix).</summary>
    public static TableRecordStore NewStore(AzuriteFixture azurite)
        => new(new TableServiceClient(azurite.ConnectionString), Schema, new StorageOptions { TablePrefix = "s" + Guid.NewGuid().ToString("N")[..12] });

    public static RecordService NewService(AzuriteFixture azurite, TimeProvider? clock = null)
    {
        var options = new StorageOptions { TablePrefix = "t" + Guid.NewGuid().ToString("N")[..12] };
        var store = new TableRecordStore(new TableServiceClient(azurite.ConnectionString), Schema, options);
        var queues = new Azure.Storage.Queues.QueueServiceClient(azurite.ConnectionString,
            new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        return new RecordService(Schema, store, clock ?? TimeProvider.System, new QueueFeedWork(queues));
    }
}
