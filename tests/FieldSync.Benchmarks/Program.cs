using System.CommandLine;

namespace FieldSync.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/FieldSync.Benchmarks -- [--json file] [--records n] [--quick]</c>:
/// seeds a field-service world on its own Azurite, measures the storage cost of idle and first syncs and the
/// time of a first sync over HTTP against a raw table scan, then the storage cost of a technician's pushed updates
/// (accept, apply, fan-out) and the apply's throughput against raw upserts; prints a table and optionally writes JSON.
/// With <c>--scale [--scale-sizes 10,100,1000]</c> it runs the scale benchmark instead (<see cref="ScaleBenchmark"/>): the
/// cost of every sync path at several fleet sizes.
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
        var scale = new Option<bool>("--scale")
        {
            Description = "Run the scale benchmark instead: the storage cost of every sync path at several fleet sizes (issue 9).",
        };
        var scaleSizes = new Option<string?>("--scale-sizes") { Description = "Fleet sizes of the scale benchmark, comma-separated (default 10,100,1000; at least 10)." };
        var scaleProducts = new Option<int?>("--scale-products") { Description = $"Products in the scale benchmark's catalogue (default {ScaleSettings.DefaultProducts:N0})." };
        var scaleStepSeconds = new Option<int?>("--scale-step-seconds")
        {
            Description = "How long one measured step of the scale benchmark may drain the queues before it is cut off and reported incomplete (default 120).",
        };
        var scaleStock = new Option<bool>("--scale-stock-azurite")
        {
            Description = "Run the scale benchmark on stock Azurite, without the preloaded partition/row-key index (same counts; far slower at 1,000 technicians).",
        };
        var scaleVerify = new Option<bool>("--scale-verify-azurite")
        {
            Description = "Check every query the indexed Azurite answers against a full scan of the table (slow; for small sizes).",
        };
        var scaleRegisterAll = new Option<bool>("--scale-register-all")
        {
            Description = "Register every technician's scope, not only the ten the scale benchmark builds (the others stay unbuilt, which the app never does itself).",
        };
        var root = new RootCommand("FieldSync sync benchmark: storage transactions of idle and first syncs and of pushes, first-sync time against a raw scan, push apply against raw upserts.")
        {
            json, records, quick, scale, scaleSizes, scaleProducts, scaleStepSeconds, scaleStock, scaleVerify, scaleRegisterAll,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(scale))
            {
                return await RunScaleAsync(parse.GetValue(scaleSizes), parse.GetValue(scaleProducts), parse.GetValue(scaleStepSeconds), !parse.GetValue(scaleStock),
                    parse.GetValue(scaleVerify), parse.GetValue(scaleRegisterAll), parse.GetValue(json), cancellationToken);
            }
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

    private static async Task<int> RunScaleAsync(string? sizesText, int? products, int? stepSeconds, bool indexed, bool verify, bool registerAll, FileInfo? json,
        CancellationToken cancellationToken)
    {
        IReadOnlyList<int> sizes;
        try
        {
            sizes = sizesText is null ? ScaleSettings.DefaultSizes : [.. sizesText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))];
        }
        catch (FormatException)
        {
            sizes = [];
        }
        if (sizes.Count == 0 || sizes.Any(n => n < 10) || products is < 1 || stepSeconds is < 1)
        {
            Console.Error.WriteLine("--scale-sizes takes fleet sizes of at least 10 (e.g. 10,100,1000); --scale-products and --scale-step-seconds at least 1.");
            return 2;
        }
        var settings = new ScaleSettings(sizes, products ?? ScaleSettings.DefaultProducts, indexed, verify, TimeSpan.FromSeconds(stepSeconds ?? 120),
            WriteParallelism: 8, RegisterAll: registerAll);
        var results = await ScaleBenchmark.RunAsync(settings, Console.Out, cancellationToken);
        Console.WriteLine();
        results.PrintTable(Console.Out);
        if (json is not null)
        {
            await results.WriteJsonAsync(json, cancellationToken);
            Console.WriteLine($"JSON written to {json.FullName}");
        }
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Total {results.TotalSeconds:0} s."));
        return 0;
    }
}
