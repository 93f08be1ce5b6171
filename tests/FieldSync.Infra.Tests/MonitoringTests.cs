namespace FieldSync.Infra.Tests;

/// <summary>Application Insights is workspace-based and accepts Entra-authenticated telemetry only.</summary>
public class MonitoringTests
{
    private static Deployment Defaults => InfraTemplate.Instance.Defaults;

    [Fact]
    public void AppInsights_LocalAuth_IsDisabled()
    {
        Assert.True(Defaults.Single("Microsoft.Insights/components").GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean());
    }

    [Fact]
    public void AppInsights_Workspace_IsTheTemplatesLogAnalyticsWorkspace()
    {
        var properties = Defaults.Single("Microsoft.Insights/components").GetProperty("properties");
        var workspace = Defaults.Single("Microsoft.OperationalInsights/workspaces");
        Assert.Equal(Deployment.Id(workspace), properties.GetProperty("WorkspaceResourceId").GetString());
        Assert.Equal("LogAnalytics", properties.GetProperty("IngestionMode").GetString());
    }

    [Fact]
    public void Workspace_LocalAuth_IsDisabled()
    {
        var workspace = Defaults.Single("Microsoft.OperationalInsights/workspaces");
        Assert.True(workspace.GetProperty("properties").GetProperty("features").GetProperty("disableLocalAuth").GetBoolean());
    }
}
