using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using FieldSync.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.Storage.Tests;

/// <summary>Which identity the storage clients sign in with, from the settings the Functions host reads too (no network).</summary>
public class StorageIdentityTests
{
    private const string ClientId = "3f1c2a9e-8d4b-4c1e-9a77-0e5b6d2c4f18";

    private static IConfiguration Settings(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();

    [Fact]
    public void FromSettings_ManagedIdentityWithClientId_IsThatUserAssignedIdentity()
    {
        var identity = StorageIdentity.FromSettings(Settings(("AzureWebJobsStorage:credential", "managedidentity"), ("AzureWebJobsStorage:clientId", ClientId)).GetSection("AzureWebJobsStorage"));
        Assert.Equal(new StorageIdentity(StorageCredentialKind.ManagedIdentity, ClientId), identity);
        Assert.IsType<ManagedIdentityCredential>(identity.CreateCredential());
    }

    [Fact]
    public void FromSettings_NoCredentialSetting_IsDefaultAzureCredential()
    {
        var identity = StorageIdentity.FromSettings(Settings().GetSection("AzureWebJobsStorage"));
        Assert.Equal(StorageCredentialKind.Default, identity.Kind);
        Assert.IsType<DefaultAzureCredential>(identity.CreateCredential());
    }

    [Theory]
    [InlineData("connectionstring", ClientId, "credential")]
    [InlineData("managedidentity", "not-a-guid", "clientId")]
    public void FromSettings_UnusableSetting_ThrowsNamingIt(string credential, string clientId, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageIdentity.FromSettings(
            Settings(("AzureWebJobsStorage:credential", credential), ("AzureWebJobsStorage:clientId", clientId)).GetSection("AzureWebJobsStorage")));
        Assert.Contains("AzureWebJobsStorage__" + named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddFieldSyncStorage_ServiceUrisAndIdentity_ClientsUseThem()
    {
        var configuration = Settings(
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", ClientId),
            ("AzureWebJobsStorage:tableServiceUri", "https://stfieldsync.table.core.windows.net/"),
            ("AzureWebJobsStorage:queueServiceUri", "https://stfieldsync.queue.core.windows.net/"));
        using var services = new ServiceCollection().AddFieldSyncStorage(configuration).BuildServiceProvider();
        Assert.Equal(new Uri("https://stfieldsync.table.core.windows.net/"), services.GetRequiredService<TableServiceClient>().Uri);
        Assert.Equal(new Uri("https://stfieldsync.queue.core.windows.net/"), services.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal(new StorageIdentity(StorageCredentialKind.ManagedIdentity, ClientId), services.GetRequiredService<StorageIdentity>());
    }

    [Theory]
    [InlineData("fs-prod")]
    [InlineData("1fs")]
    [InlineData("")]
    public void AddFieldSyncStorage_TablePrefixNotATableName_Throws(string prefix)
    {
        var configuration = Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("FieldSync:Storage:TablePrefix", prefix));
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddFieldSyncStorage(configuration));
        Assert.Contains("TablePrefix", error.Message, StringComparison.Ordinal);
    }
}
