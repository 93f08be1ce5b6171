using System.Text.Json;

namespace FieldSync.Infra.Tests;

/// <summary>The storage account takes Entra ID only, over TLS 1.2+, with nothing public.</summary>
public class StorageTests
{
    private static JsonElement Account => InfraTemplate.Instance.Defaults.Single("Microsoft.Storage/storageAccounts");

    private static JsonElement Properties => Account.GetProperty("properties");

    [Fact]
    public void StorageAccount_SharedKeyAccess_IsOff()
    {
        Assert.False(Properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.True(Properties.GetProperty("defaultToOAuthAuthentication").GetBoolean());
    }

    [Fact]
    public void StorageAccount_Transport_IsHttpsWithTls12()
    {
        Assert.True(Properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean());
        Assert.Equal("TLS1_2", Properties.GetProperty("minimumTlsVersion").GetString());
    }

    [Fact]
    public void StorageAccount_BlobPublicAccess_IsOff()
    {
        Assert.False(Properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        foreach (var container in InfraTemplate.Instance.Defaults.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"))
        {
            Assert.Equal("None", container.GetProperty("properties").GetProperty("publicAccess").GetString());
        }
    }

    [Fact]
    public void StorageAccount_Name_IsValidForAzure()
    {
        foreach (var deployment in new[] { InfraTemplate.Instance.Defaults, InfraTemplate.Instance.Variant })
        {
            Assert.Matches("^[a-z0-9]{3,24}$", Deployment.Name(deployment.Single("Microsoft.Storage/storageAccounts")));
        }
    }

    [Fact]
    public void StorageAccountName_LongestPrefixAndEnvironment_StillFitsWithSevenTokenCharacters()
    {
        // main.bicep: take(toLower(namePrefix + environmentName + uniqueString(...)), 24), with at most 10 + 7 characters
        // before the 13-character token.
        var main = InfraTemplate.Instance.Template;
        Assert.Equal(10, CompiledTemplate.Parameter(main, "namePrefix").GetProperty("maxLength").GetInt32());
        Assert.Equal(7, CompiledTemplate.Parameter(main, "environmentName").GetProperty("maxLength").GetInt32());
        Assert.Contains("take(", main.GetProperty("variables").GetProperty("storageAccountName").GetString(), StringComparison.Ordinal);
    }
}
