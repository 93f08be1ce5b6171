using System.Text.Json;
using System.Text.RegularExpressions;

namespace FieldSync.Infra.Tests;

/// <summary>The identity gets exactly the data roles it needs, each on the one resource it needs it on.</summary>
public partial class RoleAssignmentTests
{
    // Built-in role definition ids (docs: Azure built-in roles).
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    private const string StorageType = "Microsoft.Storage/storageAccounts";
    private const string AppInsightsType = "Microsoft.Insights/components";

    public static TheoryData<string, string> AppRoles() => new()
    {
        { StorageBlobDataOwner, StorageType },
        { StorageQueueDataContributor, StorageType },
        { StorageTableDataContributor, StorageType },
        { MonitoringMetricsPublisher, AppInsightsType },
    };

    private sealed record Assignment(string RoleId, string Scope, string PrincipalId, string PrincipalType, string Name);

    private static List<Assignment> Assignments(Deployment deployment) =>
        [.. deployment.OfType("Microsoft.Authorization/roleAssignments").Select(Read)];

    private static Assignment Read(JsonElement resource)
    {
        var properties = resource.GetProperty("properties");
        // The id is <scope>/providers/Microsoft.Authorization/roleAssignments/<name>, or, while the name waits for the
        // principal id, [extensionResourceId('<scope>', 'Microsoft.Authorization/roleAssignments', ...)].
        var id = Deployment.Id(resource);
        var scope = ScopePattern().Match(id) is { Success: true } pending
            ? pending.Groups["scope"].Value
            : id[..id.IndexOf("/providers/Microsoft.Authorization/roleAssignments/", StringComparison.Ordinal)];
        return new Assignment(
            properties.GetProperty("roleDefinitionId").GetString()!.Split('/')[^1],
            scope,
            properties.GetProperty("principalId").GetString()!,
            properties.GetProperty("principalType").GetString()!,
            Deployment.Name(resource));
    }

    [Theory]
    [MemberData(nameof(AppRoles))]
    public void Identity_Role_IsAssignedOnItsScope(string roleId, string scopeType)
    {
        var deployment = InfraTemplate.Instance.Defaults;
        var identityId = Deployment.Id(deployment.Single("Microsoft.ManagedIdentity/userAssignedIdentities"));
        var scope = Deployment.Id(deployment.Single(scopeType));

        var assignment = Assert.Single(Assignments(deployment), a => a.RoleId == roleId);

        Assert.Equal(scope, assignment.Scope);
        Assert.Equal("ServicePrincipal", assignment.PrincipalType);
        Assert.Contains($"reference('{identityId}'", assignment.PrincipalId, StringComparison.Ordinal);
        Assert.EndsWith(".principalId]", assignment.PrincipalId, StringComparison.Ordinal);
        // guid(scope id, principal id, role definition id): stable across redeployments, new for a new identity.
        Assert.StartsWith($"[guid('{scope}', reference('{identityId}'", assignment.Name, StringComparison.Ordinal);
        Assert.EndsWith($"/roleDefinitions/{roleId}')]", assignment.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_RoleAssignments_AreOnlyTheIdentitysFour()
    {
        Assert.Equal(4, Assignments(InfraTemplate.Instance.Defaults).Count);
    }

    [Fact]
    public void DeployerPrincipalId_Set_GetsTableAndQueueDataRolesOnTheAccountOnly()
    {
        var deployment = InfraTemplate.Instance.Variant;
        var storage = Deployment.Id(deployment.Single(StorageType));

        var deployer = Assignments(deployment).Where(a => a.PrincipalId == InfraTemplate.VariantDeployerPrincipalId).ToList();

        Assert.Equal(new HashSet<string> { StorageQueueDataContributor, StorageTableDataContributor }, deployer.Select(a => a.RoleId).ToHashSet());
        Assert.All(deployer, a => Assert.Equal(storage, a.Scope));
        Assert.All(deployer, a => Assert.Equal("User", a.PrincipalType));
        Assert.Equal(6, Assignments(deployment).Count);
    }

    [GeneratedRegex(@"^\[extensionResourceId\('(?<scope>[^']+)', 'Microsoft\.Authorization/roleAssignments'")]
    private static partial Regex ScopePattern();
}
