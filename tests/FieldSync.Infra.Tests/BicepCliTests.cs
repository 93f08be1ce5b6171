using System.Text.Json;

namespace FieldSync.Infra.Tests;

/// <summary>
/// The template compiles and lints with no diagnostic at all: bicep lint exits 0 on warnings, so an empty output is
/// what is asserted, and infra/bicepconfig.json raises the rules that matter to errors.
/// </summary>
public class BicepCliTests
{
    private static InfraTemplate Infra => InfraTemplate.Instance;

    [Fact]
    public void Lint_EveryBicepAndParamFile_PrintsNoDiagnostic()
    {
        Assert.True(Infra.Lint.ExitCode == 0 && Infra.Lint.Printed.Length == 0, Infra.Lint.ToString());
    }

    [Fact]
    public void Build_MainBicep_SucceedsWithoutDiagnostics()
    {
        Assert.True(Infra.Build.ExitCode == 0 && Infra.Build.StandardError.Trim().Length == 0, Infra.Build.ToString());
        Assert.Equal("https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", Infra.Template.GetProperty("$schema").GetString());
    }

    [Fact]
    public void BuildParams_MainBicepparam_SucceedsWithoutDiagnostics()
    {
        Assert.True(Infra.BuildParams.ExitCode == 0 && Infra.BuildParams.StandardError.Trim().Length == 0, Infra.BuildParams.ToString());
        using var output = JsonDocument.Parse(Infra.BuildParams.StandardOutput);
        using var parameters = JsonDocument.Parse(output.RootElement.GetProperty("parametersJson").GetString()!);
        Assert.True(parameters.RootElement.GetProperty("parameters").TryGetProperty("apiClientId", out _), "main.bicepparam must set apiClientId (it has no default)");
    }

    [Fact]
    public void Snapshot_BothParamFiles_SucceedWithoutDiagnostics()
    {
        foreach (var run in new[] { Infra.SnapshotRun, Infra.VariantSnapshotRun })
        {
            Assert.True(run.ExitCode == 0 && run.Printed.Length == 0, run.ToString());
        }
        Assert.Empty(Infra.Defaults.Snapshot.GetProperty("diagnostics").EnumerateArray());
        Assert.Empty(Infra.Variant.Snapshot.GetProperty("diagnostics").EnumerateArray());
    }

    [Fact]
    public void Build_Generator_IsThePinnedBicepVersion()
    {
        var version = Infra.Template.GetProperty("metadata").GetProperty("_generator").GetProperty("version").GetString();
        Assert.StartsWith("0.49.2.", version, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-hardcoded-env-urls")]
    [InlineData("secure-secrets-in-params")]
    [InlineData("outputs-should-not-contain-secrets")]
    [InlineData("use-recent-api-versions")]
    [InlineData("no-unused-params")]
    [InlineData("no-unused-vars")]
    [InlineData("protect-commandtoexecute-secrets")]
    [InlineData("use-secure-value-for-secure-inputs")]
    [InlineData("no-unnecessary-dependson")]
    [InlineData("use-resource-id-functions")]
    [InlineData("simplify-interpolation")]
    [InlineData("what-if-short-circuiting")]
    [InlineData("use-user-defined-types")]
    public void BicepConfig_Rule_IsAnError(string rule)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "infra", "bicepconfig.json")));
        var level = config.RootElement.GetProperty("analyzers").GetProperty("core").GetProperty("rules").GetProperty(rule).GetProperty("level").GetString();
        Assert.Equal("error", level);
    }
}
