using FieldSync.Core.Telemetry;

namespace FieldSync.Infra.Tests;

/// <summary>
/// The queries name only what the app sends: every event, metric, dimension and measurement name a query uses is
/// declared in TelemetryNames (and every queue in QueueNames), read by reflection, so a renamed or misspelt name
/// fails here instead of silently returning no rows in production.
/// </summary>
public class TelemetryNameTests
{
    [Fact]
    public void Queries_EveryNameUsed_IsDeclaredInTelemetryNames()
    {
        var problems = MonitoringQueries.All(InfraTemplate.Instance.Defaults)
            .SelectMany(q => TelemetryNameUsage.Undeclared(q.Text).Select(p => $"{q}: {p}"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Reflection_FindsTheDeclaredNames()
    {
        Assert.Equal(TelemetryNames.Events.All.Order(StringComparer.Ordinal), TelemetryNameUsage.Events.Order(StringComparer.Ordinal));
        Assert.Equal(TelemetryNames.Metrics.All.Order(StringComparer.Ordinal), TelemetryNameUsage.Metrics.Order(StringComparer.Ordinal));
        Assert.Contains(TelemetryNames.Dimensions.DeviceInfoId, TelemetryNameUsage.Dimensions);
        Assert.Contains(TelemetryNames.Measurements.DurationMs, TelemetryNameUsage.Measurements);
    }

    public static TheoryData<string, string> WrongNames() => new()
    {
        { "customEvents | where name == \"FieldSync.Pulls\"", "\"FieldSync.Pulls\" is compared with name" },
        { "customEvents | where name == 'FieldSync.PushApplyed'", "\"FieldSync.PushApplyed\"" },
        { "customMetrics | where name in (\"FieldSync.Pulls\",\n    \"FieldSync.PullDuration\")", "\"FieldSync.PullDuration\"" },
        { "customMetrics | where name =~ \"FieldSync.Pull\"", "\"FieldSync.Pull\" is compared with name but is not a customMetrics name" },
        { "customEvents | extend m = tostring(customDimensions.DataSyncMod)", "customDimensions key 'DataSyncMod'" },
        { "customEvents | extend m = tostring(customDimensions['deviceInfo_Id'])", "customDimensions key 'deviceInfo_Id'" },
        { "customEvents | extend d = todouble(customMeasurements.Duration)", "customMeasurements key 'Duration'" },
        { "customEvents | extend d = todouble(customMeasurements[\"recordCount\"])", "customMeasurements key 'recordCount'" },
        { "customEvents | where tostring(customDimensions.ScenarioResult) == \"FAILED\"", "\"FAILED\" is compared with ScenarioResult" },
        { "customEvents | where tostring(customDimensions.DataSyncMode) in (\"DELTA_SYNC\", \"SINGLE_RECORD_SYNC\")", "\"SINGLE_RECORD_SYNC\" is compared with DataSyncMode" },
        { "customMetrics | where tostring(customDimensions.QueueName) == \"fieldsync-pushes\"", "\"fieldsync-pushes\"" },
        { "union customEvents, traces | extend x = strcat(\"FieldSync.Conflicts\", \"\") | where x == \"FieldSync.Nothing\"", "\"FieldSync.Nothing\" is not an event or metric name" },
    };

    [Theory]
    [MemberData(nameof(WrongNames))]
    public void Undeclared_WrongName_IsReported(string query, string expected)
    {
        var problems = TelemetryNameUsage.Undeclared(query);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    public static TheoryData<string> RightNames() =>
    [
        "customEvents | where name == \"FieldSync.Pull\" | extend m = tostring(customDimensions.DataSyncMode), d = todouble(customMeasurements['DurationMs'])",
        "customMetrics | where name in (\"FieldSync.QueueLength\", \"FieldSync.QueueOldestMessageAgeSeconds\") | where tostring(customDimensions.QueueName) endswith \"-poison\"",
        "customEvents | where tostring(customDimensions.ScenarioResult) == \"FAILURE\" and tostring(customDimensions[\"FailureType\"]) != \"EXPECTED_ERROR\"",
        // Comments and other tables' name columns are not telemetry names.
        "// customDimensions.NotAName and \"FieldSync.NotAName\" in a comment\nrequests | where name == \"GET /api/health\"",
        "customEvents | where name == \"FieldSync.PushAccepted\" | extend s = \"// not a comment\", q = \"fieldsync-push\"",
    ];

    [Theory]
    [MemberData(nameof(RightNames))]
    public void Undeclared_DeclaredNames_AreAccepted(string query)
    {
        Assert.Empty(TelemetryNameUsage.Undeclared(query));
    }

    [Fact]
    public void Lex_SkipsCommentsAndReadsLiterals()
    {
        var (code, literals) = TelemetryNameUsage.Lex("T // \"in a comment\"\n| where a == 'it\\'s' or b == @\"c:\\x\" or c == \"q\\\"d\"");
        Assert.DoesNotContain("in a comment", code, StringComparison.Ordinal);
        Assert.Equal(["it's", "c:\\x", "q\"d"], literals.Select(l => l.Value));
    }
}
