using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace FieldSync.Infra.Tests;

/// <summary>One KQL query to check: where it comes from, something to find it by, and its text.</summary>
public sealed record KqlQuery(string Source, string Id, string Text)
{
    public override string ToString() => $"{Source}: {Id}";
}

public sealed record KqlDiagnostic(string Severity, string Code, string Category, string Message, int Start, int Length, string? Text)
{
    public bool IsError => Severity == "Error";

    public bool IsWarning => Severity == "Warning";

    public override string ToString() => $"{Severity} {Code} at {Start}: {Message} ('{Text}')";
}

public sealed record KqlColumn(string Name, string Type);

/// <summary>What Kusto.Language says about one query: its diagnostics and the columns of its result.</summary>
public sealed record KqlResult(string Id, IReadOnlyList<KqlDiagnostic> Diagnostics, IReadOnlyList<KqlColumn> Columns)
{
    /// <summary>Errors and warnings (the analyzers' suggestions are left out).</summary>
    public IReadOnlyList<KqlDiagnostic> Problems => [.. Diagnostics.Where(d => d.IsError || d.IsWarning)];
}

/// <summary>
/// Runs tests/FieldSync.Infra.Tests/kql/check.js (node, with @kusto/language-service-next from the repository's
/// node_modules) on a batch of queries: parsing and type checking against the Application Insights schema the script
/// declares, offline.
/// </summary>
public static class KqlChecker
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string ScriptPath => Path.Combine(RepositoryRoot.Find(), "tests", "FieldSync.Infra.Tests", "kql", "check.js");

    public static IReadOnlyList<KqlResult> Check(IReadOnlyList<KqlQuery> queries) => Task.Run(() => CheckAsync(queries)).GetAwaiter().GetResult();

    public static async Task<IReadOnlyList<KqlResult>> CheckAsync(IReadOnlyList<KqlQuery> queries)
    {
        var root = RepositoryRoot.Find();
        var package = Path.Combine(root, "node_modules", "@kusto", "language-service-next", "package.json");
        if (!File.Exists(package))
        {
            throw new InvalidOperationException(
                $"The KQL checks need the npm package @kusto/language-service-next, which is not installed ({package} is missing): " +
                $"run `npm ci` in {root} (.ci/run does it before the tests).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"node was not found on PATH; the KQL checks run {ScriptPath} with it.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var input = JsonSerializer.Serialize(queries.Select((q, i) => new { id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), query = q.Text }));
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"node {ScriptPath} did not finish within {Timeout}.");
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"node {ScriptPath} exited {process.ExitCode}: {await stderr}");
            }
            var results = JsonSerializer.Deserialize<List<KqlResult>>(await stdout, Json)
                ?? throw new InvalidOperationException("check.js printed no results");
            Assert.Equal(queries.Count, results.Count);
            // Back from the positional ids to the callers' own.
            return [.. results.Select((r, i) => r with { Id = queries[i].Id })];
        }
    }

    /// <summary>A readable account of a query's problems, with the query text, for an assertion message.</summary>
    public static string Describe(KqlQuery query, KqlResult result) =>
        $"{query}:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", result.Problems)}{Environment.NewLine}{query.Text}";
}

/// <summary>Every query FieldSync ships (<see cref="MonitoringQueries.All"/>), checked once per test run in one run of node.</summary>
public static class CheckedQueries
{
    private static readonly Lazy<IReadOnlyList<(KqlQuery Query, KqlResult Result)>> Shared = new(() =>
    {
        var queries = MonitoringQueries.All(InfraTemplate.Instance.Defaults);
        return [.. queries.Zip(KqlChecker.Check(queries))];
    });

    public static IReadOnlyList<(KqlQuery Query, KqlResult Result)> All => Shared.Value;

    /// <summary>The result for the query of a source with an id (a workbook item's name, an alert rule's condition).</summary>
    public static KqlResult For(string source, string id) => Assert.Single(All, c => c.Query.Source == source && c.Query.Id == id).Result;
}
