namespace FieldSync.Infra.Tests;

/// <summary>
/// A third snapshot for the operators' resources: another environment in the same resource group, with an alert
/// email, the alerts disabled and every threshold changed, so the branches and parameters main.bicepparam leaves at
/// their defaults are predicted too. Written next to the shared copy of infra/ and snapshotted once per run.
/// </summary>
public static class OperationsVariant
{
    public const string ParamFile = "operations.bicepparam";
    public const string EnvironmentName = "test";
    public const string AlertEmail = "fieldsync-oncall@contoso.com";
    public const int PullFailureRatePercent = 25;
    public const int PullDurationP95Ms = 8000;
    public const int PushBacklogAgeSeconds = 900;

    private static readonly Lazy<(BicepRun Run, Deployment Deployment)> Shared = new(() => Task.Run(LoadAsync).GetAwaiter().GetResult());

    public static BicepRun Run => Shared.Value.Run;

    public static Deployment Deployment => Shared.Value.Deployment;

    private static async Task<(BicepRun, Deployment)> LoadAsync()
    {
        var directory = InfraTemplate.Instance.WorkDirectory;
        await File.WriteAllTextAsync(Path.Combine(directory, ParamFile), $"""
            using 'main.bicep'

            param apiClientId = '{InfraTemplate.VariantApiClientId}'
            param environmentName = '{EnvironmentName}'
            param alertEmail = '{AlertEmail}'
            param alertsEnabled = false
            param alertPullFailureRatePercent = {PullFailureRatePercent}
            param alertPullDurationP95Ms = {PullDurationP95Ms}
            param alertPushBacklogAgeSeconds = {PushBacklogAgeSeconds}
            """);
        var run = await BicepCli.RunAsync(directory,
        [
            "snapshot", ParamFile, "--subscription-id", InfraTemplate.SubscriptionId, "--tenant-id", InfraTemplate.TenantId,
            "--resource-group", InfraTemplate.ResourceGroupName, "--location", InfraTemplate.Location, "--deployment-name", "main",
        ]);
        var snapshot = Path.Combine(directory, Path.ChangeExtension(ParamFile, ".snapshot.json"));
        if (run.ExitCode != 0 || !File.Exists(snapshot))
        {
            throw new InvalidOperationException($"No snapshot for {ParamFile}: {run}");
        }
        using var document = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(snapshot));
        return (run, new Deployment(document.RootElement.Clone()));
    }
}
