using System.Text.Json;
using System.Text.RegularExpressions;

namespace FieldSync.Infra.Tests;

/// <summary>
/// Every KQL query FieldSync ships, from each place it lives: the query files in infra/monitoring/ (the source of
/// the others), the ```kusto blocks of docs/operations.md, the query items of the workbook and the alert rules'
/// conditions as the deployment would create them (from the snapshot, so what Bicep loaded and evaluated is what is
/// checked).
/// </summary>
public static class MonitoringQueries
{
    public const string FilesSource = "infra/monitoring";
    public const string DocsSource = "docs/operations.md";
    public const string WorkbookSource = "workbook";
    public const string AlertsSource = "alert rules";

    public static string MonitoringDirectory => Path.Combine(RepositoryRoot.Find(), "infra", "monitoring");

    public static string OperationsGuidePath => Path.Combine(RepositoryRoot.Find(), "docs", "operations.md");

    public static string OperationsGuide => File.ReadAllText(OperationsGuidePath);

    /// <summary>The .kql files under infra/monitoring/, by path relative to it with forward slashes (queries/x.kql).</summary>
    public static IReadOnlyDictionary<string, string> Files() =>
        Directory.EnumerateFiles(MonitoringDirectory, "*.kql", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetRelativePath(MonitoringDirectory, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);

    public static IReadOnlyList<KqlQuery> FromFiles() => [.. Files().Select(f => new KqlQuery(FilesSource, f.Key, f.Value))];

    /// <summary>Each ```kusto block of the operators' guide, named by the line it starts on and the heading above it.</summary>
    public static IReadOnlyList<KqlQuery> FromDocs() => FromMarkdown(OperationsGuide, DocsSource);

    public static IReadOnlyList<KqlQuery> FromMarkdown(string markdown, string source)
    {
        var queries = new List<KqlQuery>();
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var heading = "";
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#'))
            {
                heading = lines[i].TrimStart('#').Trim();
            }
            if (lines[i].Trim() != "```kusto")
            {
                continue;
            }
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            Assert.True(end > i, $"{source}: the ```kusto block at line {i + 1} is not closed");
            queries.Add(new KqlQuery(source, $"line {i + 1} ({heading})", string.Join('\n', lines[(i + 1)..end]) + "\n"));
            i = end;
        }
        return queries;
    }

    public static JsonElement Workbook(Deployment deployment) => deployment.Single("Microsoft.Insights/workbooks");

    /// <summary>The workbook's serializedData, parsed.</summary>
    public static JsonElement WorkbookContent(Deployment deployment)
    {
        var serialized = Workbook(deployment).GetProperty("properties").GetProperty("serializedData").GetString()!;
        Assert.False(TemplateAppSettings.IsExpression(serialized), "the snapshot did not evaluate the workbook's serializedData");
        using var document = JsonDocument.Parse(serialized);
        return document.RootElement.Clone();
    }

    /// <summary>Every item of a workbook, those inside groups (type 12) included.</summary>
    public static IEnumerable<JsonElement> WorkbookItems(JsonElement workbook)
    {
        foreach (var item in workbook.GetProperty("items").EnumerateArray())
        {
            yield return item;
            if (item.TryGetProperty("content", out var content) && content.TryGetProperty("items", out _))
            {
                foreach (var inner in WorkbookItems(content))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>Query items (type 3) of a workbook.</summary>
    public static IEnumerable<JsonElement> WorkbookQueryItems(JsonElement workbook) =>
        WorkbookItems(workbook).Where(i => i.GetProperty("type").GetInt32() == 3);

    public static IReadOnlyList<KqlQuery> FromWorkbook(Deployment deployment) =>
        [.. WorkbookQueryItems(WorkbookContent(deployment)).Select(i =>
            new KqlQuery(WorkbookSource, i.GetProperty("name").GetString()!, i.GetProperty("content").GetProperty("query").GetString()!))];

    public static IEnumerable<JsonElement> AlertRules(Deployment deployment) => deployment.OfType("Microsoft.Insights/scheduledQueryRules");

    public static IReadOnlyList<KqlQuery> FromAlertRules(Deployment deployment) =>
        [.. AlertRules(deployment).SelectMany(rule =>
            rule.GetProperty("properties").GetProperty("criteria").GetProperty("allOf").EnumerateArray().Select((condition, i) =>
                new KqlQuery(AlertsSource, $"{Deployment.Name(rule)} condition {i}", condition.GetProperty("query").GetString()!)))];

    /// <summary>Everything, from every place: what the KQL and the name checks run over.</summary>
    public static IReadOnlyList<KqlQuery> All(Deployment deployment) =>
        [.. FromFiles(), .. FromDocs(), .. FromWorkbook(deployment), .. FromAlertRules(deployment)];

    /// <summary>The texts compared as the same query: line endings and trailing white space do not count.</summary>
    public static string Normalize(string query) =>
        Regex.Replace(query.Replace("\r\n", "\n", StringComparison.Ordinal), @"[ \t]+$", "", RegexOptions.Multiline).TrimEnd();
}
