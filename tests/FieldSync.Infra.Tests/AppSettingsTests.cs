namespace FieldSync.Infra.Tests;

/// <summary>The app settings are identity-based and named exactly as the app reads them.</summary>
public class AppSettingsTests
{
    private static readonly string[] ExpectedNames =
    [
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "FieldSync__Auth__Mode",
        "FieldSync__Auth__TenantId",
        "FieldSync__Auth__ClientId",
        "FieldSync__Auth__Audience",
        "FieldSync__Auth__Instance",
        "FieldSync__Sync__ConflictDetection",
        "FieldSync__Sync__SharedScopeReplicas",
        "FieldSync__SyncErrors__RetentionDays",
        "FieldSync__Devices__StaleAfterDays",
        "FieldSync__Push__InboxRetentionDays",
        "FieldSync__Storage__TablePrefix",
    ];

    [Fact]
    public void AppSettings_Names_AreExactlyTheOnesTheAppReads()
    {
        Assert.Equal(ExpectedNames.Order(StringComparer.Ordinal), InfraTemplate.Instance.Defaults.RawAppSettings.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ExpectedNames.Order(StringComparer.Ordinal), InfraTemplate.Instance.Variant.RawAppSettings.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AppSettings_OneConfigResource_HoldsThemAll()
    {
        // A second appsettings resource (or siteConfig.appSettings) would replace this one's settings on deployment.
        Assert.Single(InfraTemplate.Instance.Defaults.OfType("Microsoft.Web/sites/config"), c => Deployment.LastSegment(c) == "appsettings");
    }

    [Fact]
    public void Load_Defaults_GivesConcreteValues()
    {
        var settings = TemplateAppSettings.Load();
        var storage = Deployment.Name(InfraTemplate.Instance.Defaults.Single("Microsoft.Storage/storageAccounts"));

        Assert.All(settings, s => Assert.False(TemplateAppSettings.IsExpression(s.Value), $"{s.Key} = {s.Value}"));
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal(TemplateAppSettings.StandInIdentityClientId, settings["AzureWebJobsStorage__clientId"]);
        Assert.Equal($"https://{storage}.blob.core.windows.net/", settings["AzureWebJobsStorage__blobServiceUri"]);
        Assert.Equal($"https://{storage}.queue.core.windows.net/", settings["AzureWebJobsStorage__queueServiceUri"]);
        Assert.Equal($"https://{storage}.table.core.windows.net/", settings["AzureWebJobsStorage__tableServiceUri"]);
        Assert.StartsWith("InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://", settings["APPLICATIONINSIGHTS_CONNECTION_STRING"], StringComparison.Ordinal);
        Assert.Equal($"Authorization=AAD;ClientId={TemplateAppSettings.StandInIdentityClientId}", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        Assert.Equal("Entra", settings["FieldSync__Auth__Mode"]);
        Assert.Equal(InfraTemplate.TenantId, settings["FieldSync__Auth__TenantId"]);
        Assert.Equal(InfraTemplate.ApiClientId, settings["FieldSync__Auth__ClientId"]);
        Assert.Equal($"api://{InfraTemplate.ApiClientId}", settings["FieldSync__Auth__Audience"]);
        Assert.Equal(TemplateAppSettings.StandInLoginEndpoint, settings["FieldSync__Auth__Instance"]);
        Assert.Equal("false", settings["FieldSync__Sync__ConflictDetection"]);
        Assert.Equal("1", settings["FieldSync__Sync__SharedScopeReplicas"]);
        Assert.Equal("30", settings["FieldSync__SyncErrors__RetentionDays"]);
        Assert.Equal("90", settings["FieldSync__Devices__StaleAfterDays"]);
        Assert.Equal("30", settings["FieldSync__Push__InboxRetentionDays"]);
        Assert.Equal("fs", settings["FieldSync__Storage__TablePrefix"]);
    }

    [Fact]
    public void LoadVariant_NonDefaults_ReachTheSettings()
    {
        var settings = TemplateAppSettings.LoadVariant();

        Assert.Equal("EasyAuth", settings["FieldSync__Auth__Mode"]);
        Assert.Equal(InfraTemplate.VariantApiClientId, settings["FieldSync__Auth__ClientId"]);
        Assert.Equal($"api://{InfraTemplate.VariantApiClientId}", settings["FieldSync__Auth__Audience"]);
        Assert.Equal("true", settings["FieldSync__Sync__ConflictDetection"]);
        Assert.Equal(InfraTemplate.VariantTablePrefix, settings["FieldSync__Storage__TablePrefix"]);
    }

    [Fact]
    public void AppSettings_IdentityAndEndpoints_ComeFromTheTemplatesResources()
    {
        // The raw values: the identity's client id and the account's and component's own properties, never a literal.
        var deployment = InfraTemplate.Instance.Defaults;
        var raw = deployment.RawAppSettings;
        var identity = Deployment.Id(deployment.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
        var storage = Deployment.Id(deployment.Single("Microsoft.Storage/storageAccounts"));
        var appInsights = Deployment.Id(deployment.Single("Microsoft.Insights/components"));

        Assert.Matches($@"^\[reference\('{identity}', '[^']+'\)\.clientId\]$", raw["AzureWebJobsStorage__clientId"]);
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            Assert.Matches($@"^\[reference\('{storage}', '[^']+'\)\.primaryEndpoints\.{service}\]$", raw[$"AzureWebJobsStorage__{service}ServiceUri"]);
        }
        Assert.Matches($@"^\[reference\('{appInsights}', '[^']+'\)\.ConnectionString\]$", raw["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        Assert.Equal("[environment().authentication.loginEndpoint]", raw["FieldSync__Auth__Instance"]);
    }
}
