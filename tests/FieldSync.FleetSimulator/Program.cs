using System.CommandLine;
using System.Globalization;

namespace FieldSync.FleetSimulator;

/// <summary>
/// <c>dotnet run -c Release --project tests/FieldSync.FleetSimulator -- [--devices 100] [--seconds 120] [--json file]</c>:
/// a fleet of real SDK devices and a few dispatchers against the real local function host on its own Azurite, on
/// loopback; prints the figures and whether every device converged (exit code 1 when one did not).
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var defaults = new FleetSettings();
        var devices = new Option<int>("--devices") { Description = $"Simulated devices, one per technician (1 to {FleetSettings.MaxDevices:N0}).", DefaultValueFactory = _ => defaults.Devices };
        var seconds = new Option<int>("--seconds") { Description = $"Real seconds of the working day before edits stop and the fleet drains (5 to {FleetSettings.MaxSeconds:N0}).", DefaultValueFactory = _ => defaults.Seconds };
        var interval = new Option<double>("--interval-seconds") { Description = "Real seconds standing for the 5-minute delta sync interval.", DefaultValueFactory = _ => defaults.IntervalSeconds };
        var bookings = new Option<int>("--bookings") { Description = "Bookings per technician, from today on.", DefaultValueFactory = _ => defaults.BookingsPerTechnician };
        var products = new Option<int>("--products") { Description = "Products in the shared catalogue.", DefaultValueFactory = _ => defaults.Products };
        var dispatchers = new Option<int?>("--dispatchers") { Description = "Dispatchers on the records API (default: one per 25 devices, at least 2)." };
        var offline = new Option<double>("--offline-share") { Description = "Share of devices that go offline for a while during the day.", DefaultValueFactory = _ => defaults.OfflineShare };
        var conflicts = new Option<bool>("--conflict-detection") { Description = "Turn the seed's conflict detection on (Yes: the server's change wins, the technician gets a conflict error)." };
        var drain = new Option<int>("--drain-seconds") { Description = "The longest the drain before the convergence check may take.", DefaultValueFactory = _ => defaults.DrainSeconds };
        var seed = new Option<int>("--random-seed") { Description = "Seed of every random choice.", DefaultValueFactory = _ => defaults.RandomSeed };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as one JSON object to this file." };
        var root = new RootCommand("FieldSync fleet simulator: real SDK devices and dispatchers against the local function host; sync rates, latencies, errors, storage cost and convergence.")
        {
            devices, seconds, interval, bookings, products, dispatchers, offline, conflicts, drain, seed, json,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new FleetSettings(parse.GetValue(devices), parse.GetValue(seconds), parse.GetValue(interval), parse.GetValue(bookings), parse.GetValue(products),
                parse.GetValue(dispatchers), parse.GetValue(offline), parse.GetValue(conflicts), parse.GetValue(drain), parse.GetValue(seed));
            if (settings.Problem() is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }
            var results = await FleetSimulation.RunAsync(settings, Console.Out, cancellationToken);
            Console.WriteLine();
            results.PrintTable(Console.Out);
            if (parse.GetValue(json) is { } file)
            {
                await results.WriteJsonAsync(file, cancellationToken);
                Console.WriteLine($"JSON written to {file.FullName}");
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total {results.TotalSeconds:0} s."));
            return results.Converged ? 0 : 1;
        });
        return root.Parse(args).InvokeAsync();
    }
}
