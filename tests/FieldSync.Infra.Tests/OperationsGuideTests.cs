using System.Text.RegularExpressions;
using FieldSync.Core.Telemetry;

namespace FieldSync.Infra.Tests;

/// <summary>
/// docs/operations.md agrees with the code: its FailureType table is FailureTypeMap.BySlug, it explains every event,
/// metric, dimension and measurement TelemetryNames declares, it names the setting that turns telemetry off, and
/// the README links it.
/// </summary>
public class OperationsGuideTests
{
    private static string Guide => MonitoringQueries.OperationsGuide;

    /// <summary>The lines of the section under a "## " heading that starts with <paramref name="heading"/>.</summary>
    private static string[] Section(string heading)
    {
        var lines = Guide.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = Array.FindIndex(lines, l => l.StartsWith("## " + heading, StringComparison.Ordinal));
        Assert.True(start >= 0, $"docs/operations.md has no section '## {heading}'");
        var end = Array.FindIndex(lines, start + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
        return lines[(start + 1)..(end < 0 ? lines.Length : end)];
    }

    [Fact]
    public void FailureTypeTable_IsFailureTypeMapBySlug()
    {
        var rows = Section("FailureType")
            .Select(l => Regex.Match(l, @"^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|"))
            .Where(m => m.Success)
            .Select(m => (Slug: m.Groups[1].Value, FailureType: m.Groups[2].Value))
            .ToList();
        Assert.Equal(rows.Count, rows.Select(r => r.Slug).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(
            FailureTypeMap.BySlug.Select(p => $"{p.Key} → {p.Value}").Order(StringComparer.Ordinal),
            rows.Select(r => $"{r.Slug} → {r.FailureType}").Order(StringComparer.Ordinal));
        // And in the code's order, so the table reads like the map.
        Assert.Equal(FailureTypeMap.BySlug.Keys, rows.Select(r => r.Slug));
    }

    [Fact]
    public void FailureTypeSection_SaysWhatAnUnlistedSlugIs()
    {
        Assert.Equal(TelemetryNames.FailureTypes.ServerError, FailureTypeMap.For("not-a-listed-slug"));
        Assert.Contains($"not listed is a `{TelemetryNames.FailureTypes.ServerError}`", string.Join('\n', Section("FailureType")), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> DeclaredNames()
    {
        var data = new TheoryData<string, string>();
        foreach (var (kind, type) in new[]
                 {
                     ("event", typeof(TelemetryNames.Events)), ("metric", typeof(TelemetryNames.Metrics)),
                     ("dimension", typeof(TelemetryNames.Dimensions)), ("measurement", typeof(TelemetryNames.Measurements)),
                     ("FailureType", typeof(TelemetryNames.FailureTypes)), ("DataSyncMode", typeof(TelemetryNames.DataSyncModes)),
                     ("ScenarioResult", typeof(TelemetryNames.ScenarioResults)),
                 })
        {
            foreach (var name in TelemetryNameUsage.Constants(type).Order(StringComparer.Ordinal))
            {
                data.Add(kind, name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DeclaredNames))]
    public void Guide_ExplainsEveryDeclaredName(string kind, string name)
    {
        // In a table row of its own section, as `name`.
        Assert.True(Regex.IsMatch(Guide, $@"^\|[^\n]*`{Regex.Escape(name)}`", RegexOptions.Multiline), $"docs/operations.md explains no {kind} `{name}` in a table");
    }

    [Fact]
    public void Guide_NamesTheTelemetrySwitchAndTheSyncIdHeader()
    {
        var setting = TelemetryNames.EnabledSetting.Replace(":", "__", StringComparison.Ordinal);
        Assert.Equal("FieldSync__Telemetry__Enabled", setting);
        Assert.Contains($"`{setting}`", Guide, StringComparison.Ordinal);
        Assert.Contains($"`{TelemetryNames.SyncIdHeader}`", Guide, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_LinksTheGuide()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "README.md"));
        Assert.Contains("(docs/operations.md)", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Guide_LinksResolve()
    {
        // Files and the headings (GitHub's anchors) a link points at, in the guide and the pages it links.
        var docs = Path.GetDirectoryName(MonitoringQueries.OperationsGuidePath)!;
        var links = Regex.Matches(Guide, @"\]\(([^)#:\s]*)(?:#([^)\s]+))?\)");
        Assert.NotEmpty(links);
        foreach (Match link in links)
        {
            var file = link.Groups[1].Value;
            var target = file.Length == 0 ? MonitoringQueries.OperationsGuidePath : Path.GetFullPath(Path.Combine(docs, file));
            Assert.True(File.Exists(target) || Directory.Exists(target), $"docs/operations.md links {file}, which does not exist");
            if (link.Groups[2].Success)
            {
                var anchors = Anchors(File.ReadAllText(target));
                Assert.True(anchors.Contains(link.Groups[2].Value), $"docs/operations.md links {file}#{link.Groups[2].Value}, a heading that does not exist");
            }
        }
    }

    /// <summary>The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as dashes.</summary>
    private static HashSet<string> Anchors(string markdown) =>
        markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Where(l => l.StartsWith('#'))
            .Select(l => Regex.Replace(l.TrimStart('#').Trim().ToLowerInvariant(), @"[^\p{L}\p{N} _-]", "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);
}
