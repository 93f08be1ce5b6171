namespace FieldSync.Infra.Tests;

/// <summary>
/// Every KQL query FieldSync ships parses and type-checks against the Application Insights schema (Kusto.Language,
/// offline): the query files, the operators' guide, the deployed workbook and the deployed alert rules. The queries
/// live once, as files in infra/monitoring/; the guide shows them verbatim and Bicep loads them, which is checked too.
/// </summary>
public class KqlTests
{
    private static readonly string[] SchemaTables = ["customEvents", "customMetrics", "requests", "traces", "exceptions", "dependencies"];

    /// <summary>The probes of the checker itself, checked in one run of node (loading Kusto.Language takes seconds).</summary>
    private static readonly Lazy<IReadOnlyDictionary<string, KqlResult>> Probes = new(() =>
    {
        var queries = new List<KqlQuery>
        {
            new("probe", "columns", "customMetrics | summarize Pulls = sum(valueSum) by Mode = tostring(customDimensions.DataSyncMode)"),
            new("probe", "join", "customEvents | join (requests) on operation_Id"),
            new("probe", "requests columns", "requests | project duration, resultCode, success, itemCount"),
        };
        queries.AddRange(SchemaTables.Select(t => new KqlQuery("probe", t, $"{t} | project timestamp, operation_Id, cloud_RoleName, customDimensions")));
        queries.AddRange(WrongQueries().Select(row => new KqlQuery("probe", (string)row[0], (string)row[1])));
        return queries.Zip(KqlChecker.Check(queries)).ToDictionary(p => p.First.Id, p => p.Second, StringComparer.Ordinal);
    });

    public static TheoryData<string> Sources() =>
        [MonitoringQueries.FilesSource, MonitoringQueries.DocsSource, MonitoringQueries.WorkbookSource, MonitoringQueries.AlertsSource];

    [Theory]
    [MemberData(nameof(Sources))]
    public void Queries_FromEverySource_HaveNoErrorsOrWarnings(string source)
    {
        var checkedQueries = CheckedQueries.All.Where(c => c.Query.Source == source).ToList();
        Assert.NotEmpty(checkedQueries);
        var failing = checkedQueries.Where(c => c.Result.Problems.Count > 0).Select(c => KqlChecker.Describe(c.Query, c.Result)).ToList();
        Assert.True(failing.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failing));
    }

    [Fact]
    public void Queries_Count_IsEveryFileAndEveryUse()
    {
        var files = MonitoringQueries.FromFiles();
        Assert.True(files.Count >= 15, $"{files.Count} query files");
        // Every file is shown in the guide; the workbook and the alert rules use some each.
        Assert.Equal(files.Count, MonitoringQueries.FromDocs().Count);
        Assert.Equal(CheckedQueries.All.Count, files.Count * 2 + MonitoringQueries.FromWorkbook(InfraTemplate.Instance.Defaults).Count
            + MonitoringQueries.FromAlertRules(InfraTemplate.Instance.Defaults).Count);
    }

    [Fact]
    public void Docs_KustoBlocks_AreExactlyTheQueryFiles()
    {
        var files = MonitoringQueries.Files();
        var byText = files.ToLookup(f => MonitoringQueries.Normalize(f.Value), f => f.Key, StringComparer.Ordinal);
        var shown = new List<string>();
        foreach (var block in MonitoringQueries.FromDocs())
        {
            var matches = byText[MonitoringQueries.Normalize(block.Text)].ToList();
            Assert.True(matches.Count == 1,
                $"{block} is not the text of one file in infra/monitoring/ (the guide shows the files verbatim: change the file, then run node tests/FieldSync.Infra.Tests/kql/sync-docs.js):{Environment.NewLine}{block.Text}");
            shown.Add(matches[0]);
        }
        var difference = NameSets.Compare(files.Keys, shown);
        Assert.True(difference.IsEmpty, $"query files not shown in docs/operations.md: [{string.Join(", ", difference.Missing)}]");
        Assert.Equal(shown.Count, shown.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Docs_EveryQueryFile_IsShownUnderItsOwnName()
    {
        // Operators find a view by its file name: the guide names each file next to its block.
        var guide = MonitoringQueries.OperationsGuide;
        foreach (var file in MonitoringQueries.Files().Keys)
        {
            Assert.Contains($"`infra/monitoring/{file}`", guide, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Checker_Results_NameTheResultColumns()
    {
        var result = Probes.Value["columns"];
        Assert.Empty(result.Diagnostics);
        Assert.Equal([new KqlColumn("Mode", "string"), new KqlColumn("Pulls", "real")], result.Columns);
    }

    public static TheoryData<string, string, string> WrongQueries() => new()
    {
        { "unknown table", "customEvent | take 1", "KS204" },
        { "unknown column", "customEvents | where nme == 'FieldSync.Pull'", "KS142" },
        { "sampled column on metrics", "customMetrics | summarize sum(itemCount)", "KS142" },
        { "Log Analytics column on the classic table", "customEvents | where TimeGenerated > ago(1h)", "KS142" },
        { "type mismatch", "customMetrics | summarize n = count() | where n > 'ten'", "KS106" },
        { "unknown function", "customEvents | summarize percentil(todouble(customMeasurements.DurationMs), 95)", "KS211" },
        { "syntax error", "customEvents | where name == ", "KS006" },
    };

    [Theory]
    [MemberData(nameof(WrongQueries))]
    public void Checker_WrongQuery_GetsAnError(string what, string query, string code)
    {
        var result = Probes.Value[what];
        Assert.True(result.Diagnostics.Any(d => d.IsError && d.Code == code), $"{query}: expected an error {code}, got [{string.Join(", ", result.Diagnostics)}]");
    }

    [Fact]
    public void Checker_RiskyQuery_GetsAWarning()
    {
        // The analyzers' warnings fail the source tests too: a join without a kind is a classic surprise.
        Assert.Contains(Probes.Value["join"].Problems, d => d.IsWarning);
    }

    [Fact]
    public void Checker_Schema_HasTheApplicationInsightsTables()
    {
        Assert.All(SchemaTables, t => Assert.Empty(Probes.Value[t].Diagnostics));
        Assert.Equal(["real", "string", "string", "int"], Probes.Value["requests columns"].Columns.Select(c => c.Type));
    }
}
