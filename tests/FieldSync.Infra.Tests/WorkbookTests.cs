using System.Text.Json;

namespace FieldSync.Infra.Tests;

/// <summary>
/// The operators' workbook: one shared workbook on the Application Insights component, whose query items run the
/// query files of infra/monitoring/queries/ over the workbook's time range.
/// </summary>
public class WorkbookTests
{
    private static Deployment Defaults => InfraTemplate.Instance.Defaults;

    private static JsonElement Workbook => MonitoringQueries.Workbook(Defaults);

    private static JsonElement Content => MonitoringQueries.WorkbookContent(Defaults);

    /// <summary>Query files the guide shows that are not workbook views (they need a value typed in first).</summary>
    private static readonly string[] GuideOnly = ["queries/push-trace.kql"];

    private static JsonElement Layout()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(MonitoringQueries.MonitoringDirectory, "workbook.json")));
        return document.RootElement.Clone();
    }

    [Fact]
    public void Workbook_IsASharedWorkbookOnTheComponent()
    {
        var component = Defaults.Single("Microsoft.Insights/components");
        var properties = Workbook.GetProperty("properties");
        Assert.Equal("shared", Workbook.GetProperty("kind").GetString());
        Assert.Equal("workbook", properties.GetProperty("category").GetString());
        Assert.Equal(Deployment.Id(component), properties.GetProperty("sourceId").GetString());
        Assert.Equal("Notebook/1.0", properties.GetProperty("version").GetString());
        Assert.Equal(component.GetProperty("location").GetString(), Workbook.GetProperty("location").GetString());
        Assert.Equal([Deployment.Id(component)], Content.GetProperty("fallbackResourceIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Notebook/1.0", Content.GetProperty("version").GetString());
    }

    [Fact]
    public void Workbook_Name_IsAGuidAndTheDisplayNameNamesTheEnvironment()
    {
        Assert.True(Guid.TryParse(Deployment.Name(Workbook), out _), Deployment.Name(Workbook));
        Assert.Equal("FieldSync operations (fieldsync-dev)", Workbook.GetProperty("properties").GetProperty("displayName").GetString());
        // Another environment deployed to the same resource group gets its own workbook instead of overwriting this one.
        var other = MonitoringQueries.Workbook(OperationsVariant.Deployment);
        Assert.NotEqual(Deployment.Name(Workbook), Deployment.Name(other));
        Assert.True(Guid.TryParse(Deployment.Name(other), out _), Deployment.Name(other));
        Assert.Equal($"FieldSync operations (fieldsync-{OperationsVariant.EnvironmentName})", other.GetProperty("properties").GetProperty("displayName").GetString());
    }

    [Fact]
    public void Workbook_QueryItems_AreTheQueryFilesTheLayoutNames()
    {
        var files = MonitoringQueries.Files();
        var layoutItems = MonitoringQueries.WorkbookQueryItems(Layout()).ToDictionary(
            i => i.GetProperty("name").GetString()!, i => i.GetProperty("content").GetProperty("query").GetString()!, StringComparer.Ordinal);
        var deployedItems = MonitoringQueries.WorkbookQueryItems(Content).ToList();
        Assert.Equal(layoutItems.Keys.Order(StringComparer.Ordinal), deployedItems.Select(i => i.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
        foreach (var item in deployedItems)
        {
            var name = item.GetProperty("name").GetString()!;
            var file = "queries/" + layoutItems[name];
            Assert.True(files.ContainsKey(file), $"workbook item {name} names {file}, which does not exist");
            Assert.Equal(files[file], item.GetProperty("content").GetProperty("query").GetString());
        }
    }

    [Fact]
    public void Workbook_ShowsEveryQueryFileButTheGuideOnlyOnes()
    {
        var used = MonitoringQueries.WorkbookQueryItems(Layout()).Select(i => "queries/" + i.GetProperty("content").GetProperty("query").GetString());
        var queryFiles = MonitoringQueries.Files().Keys.Where(f => f.StartsWith("queries/", StringComparison.Ordinal));
        var difference = NameSets.Compare(queryFiles.Except(GuideOnly), used);
        Assert.True(difference.IsEmpty, difference.Describe("query files"));
    }

    [Fact]
    public void Workbook_QueryItems_RunOnTheComponentOverTheTimeRange()
    {
        var parameters = MonitoringQueries.WorkbookItems(Content)
            .Where(i => i.GetProperty("type").GetInt32() == 9)
            .SelectMany(i => i.GetProperty("content").GetProperty("parameters").EnumerateArray())
            .ToList();
        var timeRange = Assert.Single(parameters, p => p.GetProperty("name").GetString() == "TimeRange");
        Assert.Equal(4, timeRange.GetProperty("type").GetInt32());
        string[] visualizations = ["table", "tiles", "timechart", "linechart", "barchart", "areachart", "piechart", "scatterchart"];
        foreach (var item in MonitoringQueries.WorkbookQueryItems(Content))
        {
            var content = item.GetProperty("content");
            var name = item.GetProperty("name").GetString();
            Assert.Equal("KqlItem/1.0", content.GetProperty("version").GetString());
            Assert.Equal(0, content.GetProperty("queryType").GetInt32());
            Assert.Equal("microsoft.insights/components", content.GetProperty("resourceType").GetString());
            Assert.Equal("TimeRange", content.GetProperty("timeContextFromParameter").GetString());
            Assert.Contains(content.GetProperty("visualization").GetString(), visualizations);
            Assert.False(string.IsNullOrWhiteSpace(content.GetProperty("title").GetString()), $"{name} has no title");
        }
        var names = MonitoringQueries.WorkbookItems(Content).Select(i => i.GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Workbook_Charts_PlotColumnsTheQueriesReturn()
    {
        // The chart and tile settings name result columns: the analyzer's result schema says whether they exist.
        foreach (var item in MonitoringQueries.WorkbookQueryItems(Content))
        {
            var result = CheckedQueries.For(MonitoringQueries.WorkbookSource, item.GetProperty("name").GetString()!);
            var columns = result.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var content = item.GetProperty("content");
            foreach (var named in NamedColumns(content))
            {
                Assert.True(columns.Contains(named), $"workbook item {result.Id} names column {named}; the query returns [{string.Join(", ", columns)}]");
            }
        }
    }

    private static IEnumerable<string> NamedColumns(JsonElement content)
    {
        if (content.TryGetProperty("chartSettings", out var chart))
        {
            if (chart.TryGetProperty("xAxis", out var x))
            {
                yield return x.GetString()!;
            }
            if (chart.TryGetProperty("group", out var group))
            {
                yield return group.GetString()!;
            }
            if (chart.TryGetProperty("yAxis", out var y))
            {
                foreach (var column in y.EnumerateArray())
                {
                    yield return column.GetString()!;
                }
            }
        }
        if (content.TryGetProperty("tileSettings", out var tiles))
        {
            foreach (var part in tiles.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("columnMatch", out _)))
            {
                yield return part.Value.GetProperty("columnMatch").GetString()!;
            }
        }
        if (content.TryGetProperty("gridSettings", out var grid) && grid.TryGetProperty("sortBy", out var sortBy))
        {
            foreach (var sort in sortBy.EnumerateArray())
            {
                yield return sort.GetProperty("itemKey").GetString()!;
            }
        }
    }
}
