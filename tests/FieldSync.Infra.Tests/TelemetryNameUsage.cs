using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using FieldSync.Core.Sync;
using FieldSync.Core.Telemetry;

namespace FieldSync.Infra.Tests;

/// <summary>
/// The telemetry names a KQL query uses, read from its text: event and metric names (string literals compared with
/// <c>name</c>, and any literal that starts with "FieldSync."), dimension keys (<c>customDimensions.X</c>,
/// <c>customDimensions["X"]</c>), measurement keys (<c>customMeasurements.X</c>, <c>customMeasurements["X"]</c>), the
/// values compared with ScenarioResult, DataSyncMode and FailureType, and queue names. Each is checked against what
/// <see cref="TelemetryNames"/> (and <see cref="QueueNames"/>) declares, so a query cannot name something the app
/// does not send. Comments are skipped; string literals are read as Kusto writes them ("..." and '...' with
/// backslash escapes, @"..." and @'...' verbatim).
/// </summary>
public static class TelemetryNameUsage
{
    public static IReadOnlySet<string> Events { get; } = Constants(typeof(TelemetryNames.Events));
    public static IReadOnlySet<string> Metrics { get; } = Constants(typeof(TelemetryNames.Metrics));
    public static IReadOnlySet<string> Dimensions { get; } = Constants(typeof(TelemetryNames.Dimensions));
    public static IReadOnlySet<string> Measurements { get; } = Constants(typeof(TelemetryNames.Measurements));

    /// <summary>Dimensions whose values TelemetryNames declares, and those values.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> DimensionValues { get; } = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        [TelemetryNames.Dimensions.ScenarioResult] = Constants(typeof(TelemetryNames.ScenarioResults)),
        [TelemetryNames.Dimensions.DataSyncMode] = Constants(typeof(TelemetryNames.DataSyncModes)),
        [TelemetryNames.Dimensions.FailureType] = Constants(typeof(TelemetryNames.FailureTypes)),
        [TelemetryNames.Dimensions.QueueName] = QueueNames.All.ToHashSet(StringComparer.Ordinal),
    };

    /// <summary>The public const strings of a class: how TelemetryNames declares a name.</summary>
    public static IReadOnlySet<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>A string literal of a query, where it starts in the text with comments blanked out.</summary>
    public sealed record Literal(int Start, int End, string Value);

    /// <summary>The query with comments replaced by spaces (positions kept), and its string literals.</summary>
    public static (string Code, IReadOnlyList<Literal> Literals) Lex(string query)
    {
        var code = new StringBuilder(query);
        var literals = new List<Literal>();
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            if (c == '/' && i + 1 < query.Length && query[i + 1] == '/')
            {
                while (i < query.Length && query[i] != '\n')
                {
                    code[i++] = ' ';
                }
            }
            else if (c is '"' or '\'' || (c == '@' && i + 1 < query.Length && query[i + 1] is '"' or '\''))
            {
                var start = i;
                var verbatim = c == '@';
                var quote = verbatim ? query[++i] : c;
                var value = new StringBuilder();
                i++;
                while (i < query.Length && query[i] != quote)
                {
                    if (!verbatim && query[i] == '\\' && i + 1 < query.Length)
                    {
                        i++;
                    }
                    value.Append(query[i++]);
                }
                i++;
                literals.Add(new Literal(start, Math.Min(i, query.Length), value.ToString()));
            }
            else
            {
                i++;
            }
        }
        return (code.ToString(), literals);
    }

    private static readonly Regex NameComparison = new(@"\bname\s*(?:==|!=|=~|!~)\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex NameInList = new(@"\bname\s*!?in~?\s*\(\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex BagAccess = new(@"\b(customDimensions|customMeasurements)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*$)", RegexOptions.CultureInvariant);
    private static readonly Regex ValueComparison = new(@"\b([A-Za-z_][A-Za-z0-9_]*)\s*\)?\s*(?:==|!=|=~|!~|\bendswith\b|\bstartswith\b)\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex ValueInList = new(@"\b([A-Za-z_][A-Za-z0-9_]*)\s*\)?\s*!?in~?\s*\(\s*$", RegexOptions.CultureInvariant);

    /// <summary>Every telemetry name the query uses that TelemetryNames (or QueueNames) does not declare, described.</summary>
    public static IReadOnlyList<string> Undeclared(string query)
    {
        var (code, literals) = Lex(query);
        var problems = new List<string>();
        var usesEvents = Regex.IsMatch(code, @"\bcustomEvents\b");
        var usesMetrics = Regex.IsMatch(code, @"\bcustomMetrics\b");
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (usesEvents)
        {
            names.UnionWith(Events);
        }
        if (usesMetrics)
        {
            names.UnionWith(Metrics);
        }
        var table = usesEvents && usesMetrics ? "customEvents or customMetrics" : usesEvents ? "customEvents" : "customMetrics";

        // Dimension and measurement keys written as members: customDimensions.X.
        foreach (Match m in BagAccess.Matches(code))
        {
            if (m.Groups[2].Success)
            {
                Check(m.Groups[1].Value, m.Groups[2].Value);
            }
        }

        foreach (var literal in literals)
        {
            var before = LineBefore(code, literal.Start);
            // customDimensions["X"]
            var bag = BagAccess.Match(before);
            if (bag.Success && !bag.Groups[2].Success && bag.Index + bag.Length == before.Length)
            {
                Check(bag.Groups[1].Value, literal.Value);
                continue;
            }
            // name == "X", name in ("X", "Y")
            if ((usesEvents || usesMetrics) && (NameComparison.IsMatch(before) || (NameInList.IsMatch(ListStart(code, literals, literal)))))
            {
                if (!names.Contains(literal.Value))
                {
                    problems.Add($"\"{literal.Value}\" is compared with name but is not a {table} name TelemetryNames declares");
                }
                continue;
            }
            if (literal.Value.StartsWith("FieldSync.", StringComparison.Ordinal) && !Events.Contains(literal.Value) && !Metrics.Contains(literal.Value))
            {
                problems.Add($"\"{literal.Value}\" is not an event or metric name TelemetryNames declares");
            }
            if (literal.Value.StartsWith("fieldsync-", StringComparison.Ordinal) && !QueueNames.All.Contains(literal.Value))
            {
                problems.Add($"\"{literal.Value}\" is not a queue QueueNames.All names");
            }
            // ScenarioResult == "X", DataSyncMode in ("X", ...): values of dimensions whose values are declared.
            var value = ValueComparison.Match(before);
            if (!value.Success)
            {
                value = ValueInList.Match(ListStart(code, literals, literal));
            }
            if (value.Success && DimensionValues.TryGetValue(value.Groups[1].Value, out var allowed)
                && !allowed.Contains(literal.Value) && !IsSuffixTest(before, literal.Value))
            {
                problems.Add($"\"{literal.Value}\" is compared with {value.Groups[1].Value} but is not one of its declared values ({string.Join(", ", allowed.Order(StringComparer.Ordinal))})");
            }
        }
        return problems;

        void Check(string bag, string key)
        {
            var (declared, kind) = bag == "customDimensions" ? (Dimensions, "dimension") : (Measurements, "measurement");
            if (!declared.Contains(key))
            {
                problems.Add($"{bag} key '{key}' is not a {kind} TelemetryNames declares");
            }
        }
    }

    /// <summary>QueueName endswith "-poison": a suffix, not a queue name.</summary>
    private static bool IsSuffixTest(string before, string value) =>
        Regex.IsMatch(before, @"\b(endswith|startswith)\s*$") && QueueNames.All.Any(q => q.EndsWith(value, StringComparison.Ordinal) || q.StartsWith(value, StringComparison.Ordinal));

    /// <summary>The code on the literal's line before it.</summary>
    private static string LineBefore(string code, int position)
    {
        var lineStart = code.LastIndexOf('\n', Math.Max(position - 1, 0)) + 1;
        return code[lineStart..position];
    }

    /// <summary>
    /// For a literal inside a parenthesized list ("a", "b", ...), the code before the list's first literal, so
    /// <c>name in (</c> is found for each literal of the list.
    /// </summary>
    private static string ListStart(string code, IReadOnlyList<Literal> literals, Literal literal)
    {
        var index = literals.ToList().IndexOf(literal);
        var first = literal;
        while (index > 0 && Regex.IsMatch(code[literals[index - 1].End..first.Start], @"^\s*,\s*$"))
        {
            first = literals[--index];
        }
        return LineBefore(code, first.Start);
    }
}
