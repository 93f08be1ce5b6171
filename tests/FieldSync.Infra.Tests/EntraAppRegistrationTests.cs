using System.Text.Json;
using FieldSync.Core.Security;

namespace FieldSync.Infra.Tests;

/// <summary>infra/entra/: the app registrations an admin applies must match what the Entra auth mode expects.</summary>
public class EntraAppRegistrationTests
{
    private static JsonElement Load(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "infra", "entra", file)));
        return document.RootElement.Clone();
    }

    private static string DeploymentGuide => File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "docs", "deployment.md"));

    [Fact]
    public void ApiApp_AppRoles_AreExactlyFieldSyncsRolesWithStableIds()
    {
        var roles = Load("api-app.json").GetProperty("appRoles").EnumerateArray().ToList();
        Assert.Equal(Roles.All.Order(StringComparer.Ordinal), roles.Select(r => r.GetProperty("value").GetString()!).Order(StringComparer.Ordinal));
        var ids = roles.Select(r => Guid.Parse(r.GetProperty("id").GetString()!)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(roles, r => Assert.True(r.GetProperty("isEnabled").GetBoolean()));
        // Technicians are people with devices; only dispatcher and admin make sense for a back-office app.
        Assert.Equal(["User"], roles.Single(r => r.GetProperty("value").GetString() == Roles.Technician).GetProperty("allowedMemberTypes").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public void ApiApp_RequestsV2Tokens_TheOnlyIssuerTheAppAccepts()
    {
        var app = Load("api-app.json");
        Assert.Equal(2, app.GetProperty("api").GetProperty("requestedAccessTokenVersion").GetInt32());
        Assert.Equal("AzureADMyOrg", app.GetProperty("signInAudience").GetString());
    }

    [Fact]
    public void DeploymentGuide_NamesTheIdsTheFilesHold()
    {
        var app = Load("api-app.json");
        var guide = DeploymentGuide;
        foreach (var role in app.GetProperty("appRoles").EnumerateArray())
        {
            Assert.Contains(role.GetProperty("id").GetString()!, guide, StringComparison.Ordinal);
        }
        var scope = Assert.Single(app.GetProperty("api").GetProperty("oauth2PermissionScopes").EnumerateArray());
        Assert.Contains(scope.GetProperty("id").GetString()!, guide, StringComparison.Ordinal);
        Assert.Contains($"/{scope.GetProperty("value").GetString()}", guide, StringComparison.Ordinal);
    }

    [Fact]
    public void DeviceApp_IsAPublicClientWithoutSecrets()
    {
        var app = Load("device-app.json");
        Assert.True(app.GetProperty("isFallbackPublicClient").GetBoolean());
        Assert.False(app.TryGetProperty("passwordCredentials", out _));
        Assert.False(app.TryGetProperty("keyCredentials", out _));
    }

    [Fact]
    public void DeploymentGuide_OneCommand_UsesTheParameterFile()
    {
        Assert.Contains("az deployment group create -g <resource group> -n fieldsync --parameters infra/main.bicepparam", DeploymentGuide, StringComparison.Ordinal);
        Assert.Contains("FIELDSYNC_API_CLIENT_ID", File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "infra", "main.bicepparam")), StringComparison.Ordinal);
    }
}
