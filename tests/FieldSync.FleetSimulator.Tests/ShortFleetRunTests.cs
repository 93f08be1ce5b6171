using System.Text.Json;

namespace FieldSync.FleetSimulator.Tests;

/// <summary>
/// The fleet simulator's short run in the suite: 20 real SDK devices and 2 dispatchers for 25 s against the real local
/// host on its own Azurite (about 45 s in all on 2 cores). Every device must converge to what its profile selects from
/// the server's records, with figures that show the day really happened and nothing failed that was not provoked.
/// </summary>
public sealed class ShortFleetRunTests
{
    private static readonly FleetSettings Short = new(Devices: 20, Seconds: 25, IntervalSeconds: 4, DrainSeconds: 60);

    [Fact]
    public async Task Twenty_devices_for_25_seconds_converge_with_sane_figures()
    {
        using var output = new StringWriter();
        var results = await FleetSimulation.RunAsync(Short, output, CancellationToken.None);
        var report = new StringWriter();
        results.PrintTable(report);

        Assert.True(results.Converged, "Not converged:\n" + report);
        Assert.True(results.DrainSettled, "The drain did not settle:\n" + report);
        Assert.Equal(0, results.UnexpectedErrors);
        Assert.Equal(Short.Devices, results.FirstSyncs);
        Assert.Equal(Short.Devices, results.Convergence.DevicesConverged);
        Assert.True(results.DeltaSyncs >= Short.Devices, $"Only {results.DeltaSyncs} delta syncs:\n{report}");
        Assert.True(results.SyncsPerSecond > 0);
        // Every device holds its agenda and the catalogue: the check compared real rows, not two empty sets.
        Assert.True(results.Convergence.RowsHeld >= Short.Devices * (Short.Products + Short.BookingsPerTechnician), report.ToString());
        Assert.True(results.Pull.Count >= results.FirstSyncs + results.DeltaSyncs && results.Pull.P50Ms > 0, report.ToString());
        Assert.True(results.Push.Count > 0 && results.Push.P99Ms >= results.Push.P50Ms, report.ToString());
        Assert.True(results.WorkOrderEdits + results.ProductsAdded > 0 && results.ChangesPushed > 0, report.ToString());
        Assert.True(results.TechnicianToDispatcher.Count > 0 && results.TechnicianChangesSeen > 0, report.ToString());
        Assert.True(results.DispatcherEdits + results.Reassignments + results.Completions > 0, report.ToString());
        Assert.True(results.DispatcherToDevices.Count + results.DispatcherWritesDeliveredAfterOutage > 0, report.ToString());
        Assert.True(results.StorageTransactionsPerSync > 0, report.ToString());

        // --json writes one object carrying the same verdict.
        var file = new FileInfo(Path.Combine(Path.GetTempPath(), "fleet-" + Guid.NewGuid().ToString("N")[..8] + ".json"));
        try
        {
            await results.WriteJsonAsync(file, CancellationToken.None);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file.FullName));
            Assert.True(json.RootElement.GetProperty("converged").GetBoolean());
            Assert.Equal(results.DeltaSyncs, json.RootElement.GetProperty("deltaSyncs").GetInt64());
        }
        finally
        {
            file.Delete();
        }
    }
}
