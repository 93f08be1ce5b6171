using System.CommandLine;

namespace FieldSync.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/FieldSync.Benchmarks -- [--json file] [--records n] [--quick]</c>:
/// seeds a field-service world on its own Azurite, measures the storage cost of idle and first syncs and the
/// time of a first sync over HTTP against a raw table scan, then the storage cost of a technician's pushed updates
/// (accept, apply, fan-out) and the apply's throughput against raw upserts; prints a table and optionally writes JSON.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var json = new Option<FileInfo?>("--json") { Description = "Also write the figures as one JSON object to this file." };
        var records = new Option<int?>("--records")
        {
            Description = $"Products in the shared 'all products' bucket (default {BenchmarkSettings.DefaultProducts}; {BenchmarkSettings.QuickProducts} with --quick).",
        };
        var quick = new Option<bool>("--quick") { Description = "A small smoke run (under a minute): fewer products, one timed run." };
        var root = new RootCommand("FieldSync sync benchmark: storage transactions of idle and first syncs and of pushes, first-sync time against a raw scan, push apply against raw upserts.")
        {
            json, records, quick,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = BenchmarkSettings.Create(parse.GetValue(quick), parse.GetValue(records));
            if (settings.Products < 1)
            {
                Console.Error.WriteLine("--records must be at least 1.");
                return 2;
            }
            var results = await SyncBenchmark.RunAsync(settings, Console.Out, cancellationToken);
            Console.WriteLine();
            results.PrintTable(Console.Out);
            if (parse.GetValue(json) is { } file)
            {
                await results.WriteJsonAsync(file, cancellationToken);
                Console.WriteLine($"JSON written to {file.FullName}");
            }
            return 0;
        });
        return root.Parse(args).InvokeAsync();
    }
}
