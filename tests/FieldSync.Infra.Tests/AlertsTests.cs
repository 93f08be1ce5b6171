using System.Text.Json;
using System.Xml;

namespace FieldSync.Infra.Tests;

/// <summary>
/// The alerts: one action group and the log search alert rules, each on the Application Insights component, each
/// notifying the action group, each resolving itself, with the query of its file in infra/monitoring/alerts/ and
/// the threshold of its parameter.
/// </summary>
public class AlertsTests
{
    private static Deployment Defaults => InfraTemplate.Instance.Defaults;

    private static readonly string[] NumericTypes = ["int", "long", "real", "decimal"];

    /// <summary>Rule name suffix → (query file, measured column, operator, default threshold, severity, window).</summary>
    public static TheoryData<string, string, string, string, double, int, string> ExpectedRules() => new()
    {
        { "no-telemetry", "alerts/no-telemetry.kql", "Reports", "LessThan", 1, 1, "PT30M" },
        { "pull-failure-rate", "alerts/pull-failure-rate.kql", "FailureRatePercent", "GreaterThan", 10, 1, "PT15M" },
        { "poison-messages", "alerts/poison-messages.kql", "PoisonMessages", "GreaterThan", 0, 2, "PT15M" },
        { "pull-duration-p95", "alerts/pull-duration-p95.kql", "P95Ms", "GreaterThan", 5000, 3, "PT15M" },
        { "push-backlog-age", "alerts/push-backlog-age.kql", "OldestMessageAgeSeconds", "GreaterThan", 300, 2, "PT15M" },
    };

    private static JsonElement Rule(Deployment deployment, string suffix) =>
        Assert.Single(MonitoringQueries.AlertRules(deployment), r => Deployment.Name(r).EndsWith("-" + suffix, StringComparison.Ordinal));

    private static JsonElement Condition(JsonElement rule) =>
        Assert.Single(rule.GetProperty("properties").GetProperty("criteria").GetProperty("allOf").EnumerateArray());

    [Fact]
    public void Rules_AreExactlyTheExpectedOnes()
    {
        var expected = ExpectedRules().Select(row => (string)row[0]);
        var baseName = Deployment.Name(Defaults.Single("Microsoft.Insights/components"))["appi-".Length..];
        Assert.Equal(expected.Select(s => $"{baseName}-{s}").Order(StringComparer.Ordinal),
            MonitoringQueries.AlertRules(Defaults).Select(Deployment.Name).Order(StringComparer.Ordinal));
        Assert.Equal(MonitoringQueries.Files().Keys.Where(f => f.StartsWith("alerts/", StringComparison.Ordinal)).Order(StringComparer.Ordinal),
            ExpectedRules().Select(row => (string)row[1]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ExpectedRules))]
    public void Rule_OnTheComponent_NotifiesTheActionGroupAndResolvesItself(string suffix, string file, string column, string comparison, double threshold, int severity, string window)
    {
        var rule = Rule(Defaults, suffix);
        var properties = rule.GetProperty("properties");
        var component = Defaults.Single("Microsoft.Insights/components");
        var actionGroup = Defaults.Single("Microsoft.Insights/actionGroups");

        Assert.Equal("LogAlert", rule.GetProperty("kind").GetString());
        Assert.Equal(component.GetProperty("location").GetString(), rule.GetProperty("location").GetString());
        Assert.Equal([Deployment.Id(component)], properties.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal([Deployment.Id(actionGroup)], properties.GetProperty("actions").GetProperty("actionGroups").EnumerateArray().Select(s => s.GetString()));
        Assert.True(properties.GetProperty("autoMitigate").GetBoolean());
        Assert.True(properties.GetProperty("enabled").GetBoolean());
        Assert.Equal(severity, properties.GetProperty("severity").GetInt32());
        Assert.Equal(window, properties.GetProperty("windowSize").GetString());
        var frequency = XmlConvert.ToTimeSpan(properties.GetProperty("evaluationFrequency").GetString()!);
        Assert.InRange(frequency, TimeSpan.FromMinutes(1), XmlConvert.ToTimeSpan(window));
        Assert.False(string.IsNullOrWhiteSpace(properties.GetProperty("displayName").GetString()));
        Assert.Contains("docs/operations.md", properties.GetProperty("description").GetString()!, StringComparison.Ordinal);

        var condition = Condition(rule);
        Assert.Equal(MonitoringQueries.Files()[file], condition.GetProperty("query").GetString());
        Assert.Equal(column, condition.GetProperty("metricMeasureColumn").GetString());
        Assert.Equal(comparison, condition.GetProperty("operator").GetString());
        Assert.Equal(threshold, condition.GetProperty("threshold").GetDouble());
        Assert.Equal("Maximum", condition.GetProperty("timeAggregation").GetString());
    }

    [Fact]
    public void Rules_MeasuredColumnsAndDimensions_AreColumnsTheQueriesReturn()
    {
        foreach (var rule in MonitoringQueries.AlertRules(Defaults))
        {
            var result = CheckedQueries.For(MonitoringQueries.AlertsSource, $"{Deployment.Name(rule)} condition 0");
            var condition = Condition(rule);
            var columns = result.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal);
            var measured = condition.GetProperty("metricMeasureColumn").GetString()!;
            Assert.True(columns.TryGetValue(measured, out var type), $"{Deployment.Name(rule)} measures {measured}; the query returns [{string.Join(", ", columns.Keys)}]");
            Assert.Contains(type, NumericTypes);
            foreach (var dimension in condition.GetProperty("dimensions").EnumerateArray())
            {
                var name = dimension.GetProperty("name").GetString()!;
                Assert.True(columns.TryGetValue(name, out var dimensionType) && dimensionType == "string", $"{Deployment.Name(rule)} splits by {name}, not a string column of its result");
            }
        }
    }

    [Fact]
    public void PoisonRule_FiresPerQueue()
    {
        var dimension = Assert.Single(Condition(Rule(Defaults, "poison-messages")).GetProperty("dimensions").EnumerateArray());
        Assert.Equal("QueueName", dimension.GetProperty("name").GetString());
        Assert.Equal("Include", dimension.GetProperty("operator").GetString());
        Assert.Equal(["*"], dimension.GetProperty("values").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public void ActionGroup_WithoutAlertEmail_HasNoReceivers()
    {
        var actionGroup = Defaults.Single("Microsoft.Insights/actionGroups");
        Assert.Equal("global", actionGroup.GetProperty("location").GetString());
        var properties = actionGroup.GetProperty("properties");
        Assert.True(properties.GetProperty("enabled").GetBoolean());
        Assert.InRange(properties.GetProperty("groupShortName").GetString()!.Length, 1, 12);
        Assert.Empty(properties.GetProperty("emailReceivers").EnumerateArray());
    }

    [Fact]
    public void ActionGroup_NotifiesOnlyByEmail()
    {
        // No webhook, function, logic app or runbook receiver: nothing that would carry a URL with a key.
        foreach (var deployment in new[] { Defaults, OperationsVariant.Deployment })
        {
            var properties = deployment.Single("Microsoft.Insights/actionGroups").GetProperty("properties");
            Assert.Equal(["emailReceivers", "enabled", "groupShortName"], properties.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public void AlertEmail_BecomesTheActionGroupsOneReceiver()
    {
        var receiver = Assert.Single(OperationsVariant.Deployment.Single("Microsoft.Insights/actionGroups").GetProperty("properties").GetProperty("emailReceivers").EnumerateArray());
        Assert.Equal(OperationsVariant.AlertEmail, receiver.GetProperty("emailAddress").GetString());
        Assert.True(receiver.GetProperty("useCommonAlertSchema").GetBoolean());
    }

    [Fact]
    public void Parameters_SetTheThresholdsAndWhetherTheRulesRun()
    {
        Assert.True(OperationsVariant.Run.ExitCode == 0 && OperationsVariant.Run.Printed.Length == 0, OperationsVariant.Run.ToString());
        var variant = OperationsVariant.Deployment;
        Assert.All(MonitoringQueries.AlertRules(variant), r => Assert.False(r.GetProperty("properties").GetProperty("enabled").GetBoolean()));
        Assert.Equal(OperationsVariant.PullFailureRatePercent, Condition(Rule(variant, "pull-failure-rate")).GetProperty("threshold").GetDouble());
        Assert.Equal(OperationsVariant.PullDurationP95Ms, Condition(Rule(variant, "pull-duration-p95")).GetProperty("threshold").GetDouble());
        Assert.Equal(OperationsVariant.PushBacklogAgeSeconds, Condition(Rule(variant, "push-backlog-age")).GetProperty("threshold").GetDouble());
        Assert.Contains($"{OperationsVariant.PullFailureRatePercent}%", Rule(variant, "pull-failure-rate").GetProperty("properties").GetProperty("displayName").GetString()!, StringComparison.Ordinal);
        // Another environment in the same resource group gets its own rules and action group.
        Assert.Empty(MonitoringQueries.AlertRules(variant).Select(Deployment.Name).Intersect(MonitoringQueries.AlertRules(Defaults).Select(Deployment.Name)));
        Assert.NotEqual(Deployment.Name(Defaults.Single("Microsoft.Insights/actionGroups")), Deployment.Name(variant.Single("Microsoft.Insights/actionGroups")));
    }

    [Fact]
    public void Parameters_Defaults_AreTheDocumentedOnes()
    {
        var template = InfraTemplate.Instance.Template;
        Assert.Equal("", CompiledTemplate.Parameter(template, "alertEmail").GetProperty("defaultValue").GetString());
        Assert.True(CompiledTemplate.Parameter(template, "alertsEnabled").GetProperty("defaultValue").GetBoolean());
        var guide = MonitoringQueries.OperationsGuide;
        foreach (var name in new[] { "alertPullFailureRatePercent", "alertPullDurationP95Ms", "alertPushBacklogAgeSeconds" })
        {
            var value = CompiledTemplate.Parameter(template, name).GetProperty("defaultValue").GetInt32();
            Assert.Contains($"| `{name}` | `{value}` |", guide, StringComparison.Ordinal);
        }
        Assert.Contains("| `alertEmail` | empty |", guide, StringComparison.Ordinal);
        Assert.Contains("| `alertsEnabled` | `true` |", guide, StringComparison.Ordinal);
    }

    [Fact]
    public void NoTelemetryRule_WatchesTheEveryMinuteQueueReport()
    {
        var rule = Rule(Defaults, "no-telemetry");
        var query = Condition(rule).GetProperty("query").GetString()!;
        Assert.Contains($"name == \"{FieldSync.Core.Telemetry.TelemetryNames.Metrics.QueueLength}\"", query, StringComparison.Ordinal);
        Assert.Equal("PT30M", rule.GetProperty("properties").GetProperty("windowSize").GetString());
        // count() over no rows is one row with 0: the rule sees the silence instead of an empty result.
        Assert.Contains("summarize Reports = count()", query, StringComparison.Ordinal);
        Assert.DoesNotContain(" by ", TelemetryNameUsage.Lex(query).Code, StringComparison.Ordinal);
    }
}
