using System.Text.Json;

namespace FieldSync.Infra.Tests;

/// <summary>App Service Authentication exists only in EasyAuth mode; in Entra mode the app validates tokens itself.</summary>
public class EasyAuthTests
{
    private const string ConfigType = "Microsoft.Web/sites/config";

    [Fact]
    public void AuthSettings_Template_AreConditionalOnEasyAuthMode()
    {
        var authSettings = Assert.Single(
            CompiledTemplate.Resources(InfraTemplate.Instance.Template),
            r => r.GetProperty("type").GetString() == ConfigType && r.GetProperty("name").GetString()!.Contains("authsettingsV2", StringComparison.Ordinal));
        Assert.Equal("[equals(parameters('authMode'), 'EasyAuth')]", authSettings.GetProperty("condition").GetString());
    }

    [Fact]
    public void AuthSettings_EntraMode_AreAbsent()
    {
        Assert.Null(InfraTemplate.Instance.Defaults.Child(ConfigType, "authsettingsV2"));
    }

    [Fact]
    public void AuthSettings_EasyAuthMode_Return401ExceptHealth()
    {
        var properties = EasyAuthProperties();
        Assert.True(properties.GetProperty("platform").GetProperty("enabled").GetBoolean());
        var validation = properties.GetProperty("globalValidation");
        Assert.True(validation.GetProperty("requireAuthentication").GetBoolean());
        Assert.Equal("Return401", validation.GetProperty("unauthenticatedClientAction").GetString());
        // The one anonymous endpoint, at the path the app really serves it on (functions.metadata + host.json).
        Assert.Equal([FunctionAppMetadata.HttpPath("Health")], validation.GetProperty("excludedPaths").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public void AuthSettings_EasyAuthMode_TrustTheApiRegistrationInTheTenant()
    {
        var aad = EasyAuthProperties().GetProperty("identityProviders").GetProperty("azureActiveDirectory");
        Assert.True(aad.GetProperty("enabled").GetBoolean());
        var registration = aad.GetProperty("registration");
        Assert.Equal(InfraTemplate.VariantApiClientId, registration.GetProperty("clientId").GetString());
        // The cloud's sign-in endpoint from environment(), never a hard-coded host.
        Assert.Equal(
            $"[format('{{0}}{{1}}/v2.0', environment().authentication.loginEndpoint, '{InfraTemplate.TenantId}')]",
            registration.GetProperty("openIdIssuer").GetString());
        Assert.Equal(
            [InfraTemplate.VariantApiClientId, $"api://{InfraTemplate.VariantApiClientId}"],
            aad.GetProperty("validation").GetProperty("allowedAudiences").EnumerateArray().Select(a => a.GetString()));
    }

    private static JsonElement EasyAuthProperties() =>
        (InfraTemplate.Instance.Variant.Child(ConfigType, "authsettingsV2")
            ?? throw new InvalidOperationException("The EasyAuth variant has no authsettingsV2 resource.")).GetProperty("properties");
}
