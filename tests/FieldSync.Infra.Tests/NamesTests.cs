using FieldSync.Core.Sync;
using FieldSync.Storage;

namespace FieldSync.Infra.Tests;

/// <summary>
/// One source of truth for storage names: the template creates exactly the tables and queues the code names
/// (TableNames.All with the prefix, QueueNames.All) and every queue the function app's triggers listen to.
/// </summary>
public class NamesTests
{
    private const string TablesType = "Microsoft.Storage/storageAccounts/tableServices/tables";
    private const string QueuesType = "Microsoft.Storage/storageAccounts/queueServices/queues";

    private static IEnumerable<string> Created(Deployment deployment, string type) => deployment.OfType(type).Select(Deployment.LastSegment);

    [Fact]
    public void Tables_DefaultPrefix_AreExactlyTableNamesAll()
    {
        var prefix = InfraTemplate.Instance.Defaults.RawAppSettings["FieldSync__Storage__TablePrefix"];
        var difference = NameSets.Compare(TableNames.All.Select(t => prefix + t), Created(InfraTemplate.Instance.Defaults, TablesType));
        Assert.True(difference.IsEmpty, difference.Describe("tables"));
    }

    [Fact]
    public void Tables_OtherPrefix_AreExactlyTableNamesAllWithThatPrefix()
    {
        var difference = NameSets.Compare(
            TableNames.All.Select(t => InfraTemplate.VariantTablePrefix + t), Created(InfraTemplate.Instance.Variant, TablesType));
        Assert.True(difference.IsEmpty, difference.Describe("tables"));
        Assert.Equal(InfraTemplate.VariantTablePrefix, InfraTemplate.Instance.Variant.RawAppSettings["FieldSync__Storage__TablePrefix"]);
    }

    [Fact]
    public void TablePrefix_TemplateDefault_IsTheAppsDefault()
    {
        var main = InfraTemplate.Instance.Template;
        Assert.Equal(new StorageOptions().TablePrefix, CompiledTemplate.Parameter(main, "tablePrefix").GetProperty("defaultValue").GetString());
        Assert.Equal(new StorageOptions().TablePrefix, InfraTemplate.Instance.Defaults.RawAppSettings["FieldSync__Storage__TablePrefix"]);
    }

    [Fact]
    public void Queues_CodeAndTriggers_AreExactlyTheTemplatesQueues()
    {
        var triggers = FunctionAppMetadata.QueueNames();
        Assert.NotEmpty(triggers);
        var difference = NameSets.Compare(QueueNames.All.Union(triggers), Created(InfraTemplate.Instance.Defaults, QueuesType));
        Assert.True(difference.IsEmpty, difference.Describe("queues"));
    }

    [Fact]
    public void Queues_EveryTrigger_UsesTheStorageTheTemplateConfigures()
    {
        // The template configures the identity-based AzureWebJobsStorage connection only.
        foreach (var (function, binding) in FunctionAppMetadata.QueueTriggers())
        {
            var connection = binding.TryGetProperty("connection", out var value) ? value.GetString() : null;
            Assert.True(string.IsNullOrEmpty(connection) || connection == "AzureWebJobsStorage", $"{function} reads queue connection '{connection}'");
        }
    }

    [Fact]
    public void Names_AreValidAzureStorageNames()
    {
        foreach (var deployment in new[] { InfraTemplate.Instance.Defaults, InfraTemplate.Instance.Variant })
        {
            Assert.All(Created(deployment, TablesType), t => Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,62}$", t));
            Assert.All(Created(deployment, QueuesType), q => Assert.Matches("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", q));
        }
    }
}
