using System.Text.Json;
using FieldSync.Core.Sync;
using FieldSync.Functions.Timers;

namespace FieldSync.Infra.Tests;

/// <summary>The Flex Consumption plan and the function app: runtime, scale, identity and deployment storage.</summary>
public class FunctionAppTests
{
    private static Deployment Defaults => InfraTemplate.Instance.Defaults;

    private static JsonElement Site => Defaults.Single("Microsoft.Web/sites");

    private static JsonElement FunctionAppConfig => Site.GetProperty("properties").GetProperty("functionAppConfig");

    private static string IdentityId => Deployment.Id(Defaults.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));

    /// <summary>Settings Flex Consumption rejects or ignores (its runtime and scale live in functionAppConfig).</summary>
    public static TheoryData<string> DeprecatedSettings() =>
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION", "FUNCTIONS_MAX_HTTP_CONCURRENCY",
        "FUNCTIONS_WORKER_PROCESS_COUNT", "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED", "SCM_DO_BUILD_DURING_DEPLOYMENT",
        "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTOVERVNET",
        "WEBSITE_SKIP_CONTENTSHARE_VALIDATION", "WEBSITE_NODE_DEFAULT_VERSION", "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
        "WEBSITE_DNS_SERVER", "WEBSITE_VNET_ROUTE_ALL", "AzureWebJobsDashboard", "APPINSIGHTS_INSTRUMENTATIONKEY",
    ];

    /// <summary>siteConfig properties that do not apply to Flex Consumption, and appSettings (kept in the one appsettings resource).</summary>
    public static TheoryData<string> DeprecatedSiteConfig() =>
    [
        "linuxFxVersion", "windowsFxVersion", "alwaysOn", "netFrameworkVersion", "use32BitWorkerProcess", "functionAppScaleLimit",
        "minimumElasticInstanceCount", "preWarmedInstanceCount", "javaVersion", "nodeVersion", "pythonVersion", "powerShellVersion", "appSettings",
    ];

    [Fact]
    public void Plan_Sku_IsFlexConsumption()
    {
        var plan = Defaults.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        Assert.True(plan.GetProperty("properties").GetProperty("reserved").GetBoolean());
        Assert.Equal(Deployment.Id(plan), Site.GetProperty("properties").GetProperty("serverFarmId").GetString());
    }

    [Fact]
    public void Site_KindAndHttps_AreLinuxFunctionAppHttpsOnly()
    {
        Assert.Equal("functionapp,linux", Site.GetProperty("kind").GetString());
        Assert.True(Site.GetProperty("properties").GetProperty("httpsOnly").GetBoolean());
        var siteConfig = Site.GetProperty("properties").GetProperty("siteConfig");
        Assert.Equal("1.2", siteConfig.GetProperty("minTlsVersion").GetString());
        Assert.Equal("Disabled", siteConfig.GetProperty("ftpsState").GetString());
    }

    [Fact]
    public void Site_Runtime_IsDotnetIsolated10()
    {
        // The compiler accepts any string here; a typo would deploy an app that never starts.
        var runtime = FunctionAppConfig.GetProperty("runtime");
        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());
    }

    [Fact]
    public void Site_Identity_IsTheUserAssignedIdentityOnly()
    {
        var identity = Site.GetProperty("identity");
        Assert.Equal("UserAssigned", identity.GetProperty("type").GetString());
        Assert.Equal([IdentityId], identity.GetProperty("userAssignedIdentities").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Site_DeploymentStorage_IsTheContainerReadWithTheIdentity()
    {
        var storage = FunctionAppConfig.GetProperty("deployment").GetProperty("storage");
        Assert.Equal("blobContainer", storage.GetProperty("type").GetString());
        Assert.Equal("UserAssignedIdentity", storage.GetProperty("authentication").GetProperty("type").GetString());
        Assert.Equal(IdentityId, storage.GetProperty("authentication").GetProperty("userAssignedIdentityResourceId").GetString());

        var account = Defaults.Single("Microsoft.Storage/storageAccounts");
        var container = Assert.Single(Defaults.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"));
        Assert.Equal(
            $"[format('{{0}}{{1}}', reference('{Deployment.Id(account)}', '{account.GetProperty("apiVersion").GetString()}').primaryEndpoints.blob, '{Deployment.LastSegment(container)}')]",
            storage.GetProperty("value").GetString());
    }

    [Fact]
    public void Site_Scale_UsesTheParameterDefaults()
    {
        var scale = FunctionAppConfig.GetProperty("scaleAndConcurrency");
        Assert.Equal(2048, scale.GetProperty("instanceMemoryMB").GetInt32());
        Assert.Equal(100, scale.GetProperty("maximumInstanceCount").GetInt32());

        var main = InfraTemplate.Instance.Template;
        Assert.Equal([512, 2048, 4096], CompiledTemplate.Parameter(main, "instanceMemoryMB").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(40, CompiledTemplate.Parameter(main, "maximumInstanceCount").GetProperty("minValue").GetInt32());
        Assert.Equal(1000, CompiledTemplate.Parameter(main, "maximumInstanceCount").GetProperty("maxValue").GetInt32());
    }

    [Theory]
    [MemberData(nameof(DeprecatedSettings))]
    public void AppSettings_FlexDeprecatedSetting_IsNotSet(string setting)
    {
        foreach (var deployment in new[] { InfraTemplate.Instance.Defaults, InfraTemplate.Instance.Variant })
        {
            Assert.DoesNotContain(setting, deployment.RawAppSettings.Keys, StringComparer.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain(setting, InfraTemplate.Instance.Build.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(DeprecatedSiteConfig))]
    public void SiteConfig_FlexDeprecatedProperty_IsNotSet(string property)
    {
        var siteConfig = Site.GetProperty("properties").GetProperty("siteConfig");
        Assert.DoesNotContain(property, siteConfig.EnumerateObject().Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void BasicPublishingCredentials_FtpAndScm_AreDisallowed()
    {
        var policies = Defaults.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(["ftp", "scm"], policies.Select(Deployment.LastSegment).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(p.GetProperty("properties").GetProperty("allow").GetBoolean()));
    }

    [Fact]
    public void Parameters_Bounds_AreTheAppsBounds()
    {
        var main = InfraTemplate.Instance.Template;
        var replicas = CompiledTemplate.Parameter(main, "sharedScopeReplicas");
        Assert.Equal(SyncOptions.DefaultSharedScopeReplicas, replicas.GetProperty("defaultValue").GetInt32());
        Assert.Equal(1, replicas.GetProperty("minValue").GetInt32());
        Assert.Equal(SyncOptions.MaxSharedScopeReplicas, replicas.GetProperty("maxValue").GetInt32());

        var retention = CompiledTemplate.Parameter(main, "syncErrorRetentionDays");
        Assert.Equal(SyncErrorTimerFunctions.DefaultRetentionDays, retention.GetProperty("defaultValue").GetInt32());
        Assert.Equal(1, retention.GetProperty("minValue").GetInt32());
        Assert.Equal(SyncErrorTimerFunctions.MaxRetentionDays, retention.GetProperty("maxValue").GetInt32());

        // The cleanup settings' bounds are the options' validation ranges, so a deployment can never stop the app at start-up.
        AssertBounds(main, "staleDeviceDays", new FieldSync.Core.Devices.DeviceCleanupOptions().StaleAfterDays, typeof(FieldSync.Core.Devices.DeviceCleanupOptions), nameof(FieldSync.Core.Devices.DeviceCleanupOptions.StaleAfterDays));
        AssertBounds(main, "inboxRetentionDays", new FieldSync.Core.Push.InboxRetentionOptions().InboxRetentionDays, typeof(FieldSync.Core.Push.InboxRetentionOptions), nameof(FieldSync.Core.Push.InboxRetentionOptions.InboxRetentionDays));

        Assert.False(CompiledTemplate.Parameter(main, "conflictDetection").GetProperty("defaultValue").GetBoolean());
        Assert.False(CompiledTemplate.Parameter(main, "apiClientId").TryGetProperty("defaultValue", out _), "apiClientId must be required");
        Assert.Equal(["EasyAuth", "Entra"], CompiledTemplate.Parameter(main, "authMode").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("Entra", CompiledTemplate.Parameter(main, "authMode").GetProperty("defaultValue").GetString());
    }

    private static void AssertBounds(JsonElement main, string parameter, int defaultValue, Type options, string property)
    {
        var range = (System.ComponentModel.DataAnnotations.RangeAttribute)options.GetProperty(property)!
            .GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.RangeAttribute), false).Single();
        var declared = CompiledTemplate.Parameter(main, parameter);
        Assert.Equal(defaultValue, declared.GetProperty("defaultValue").GetInt32());
        Assert.Equal((int)range.Minimum, declared.GetProperty("minValue").GetInt32());
        Assert.Equal((int)range.Maximum, declared.GetProperty("maxValue").GetInt32());
    }
}
