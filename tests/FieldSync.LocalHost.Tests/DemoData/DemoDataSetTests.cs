using System.Globalization;
using System.Text;
using System.Text.Json;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.LocalHost.DemoData;
using Xunit;

namespace FieldSync.LocalHost.Tests.DemoData;

public sealed class DemoDataSetTests
{
    private const string Bookings = "bookableresourcebooking";

    private static readonly SchemaCatalog Schema = SchemaCatalog.LoadDefault();

    private static readonly DateOnly Today = new(2026, 11, 25);

    public static TheoryData<string> Days => new()
    {
        "2026-11-25", // a Wednesday
        "2026-11-28", // a Saturday
        "2028-02-29", // a leap day
        "2026-12-31", // the booking window crosses a year end
    };

    [Theory]
    [MemberData(nameof(Days))]
    public void Generate_Always_ValuesMatchSchema(string day)
    {
        var records = DemoDataSet.Generate(DateOnly.Parse(day, CultureInfo.InvariantCulture));

        var problems = new List<string>();
        var ids = new HashSet<(string, string)>();
        foreach (var record in records)
        {
            var where = $"{record.Table} '{record.Id}'";
            if (!RecordIds.IsValid(record.Id, out var idError))
            {
                problems.Add($"{where}: {idError}");
            }
            if (!ids.Add((record.Table, record.Id)))
            {
                problems.Add($"{where}: duplicate id");
            }
            if (!Schema.TryGetTable(record.Table, out var table))
            {
                problems.Add($"{where}: no such table");
                continue;
            }
            foreach (var (name, value) in record.Values)
            {
                if (!table.TryGetColumn(name, out var column))
                {
                    problems.Add($"{where}: no column '{name}'");
                }
                else if (value is null)
                {
                    problems.Add($"{where}: '{name}' is null; leave absent columns out");
                }
                else if (!RecordValues.Check(column, value, out var error))
                {
                    problems.Add($"{where}: {error} (got {value.GetType().Name})");
                }
            }
            var missing = new List<FieldError>();
            RecordValues.CheckRequired(table, record.Values, missing);
            problems.AddRange(missing.Select(e => $"{where}: {e.Message}"));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Generate_Always_LookupsPointToEarlierRecords()
    {
        var records = DemoDataSet.Generate(Today);

        var seen = new HashSet<(string, string)>();
        var problems = new List<string>();
        foreach (var record in records)
        {
            var table = Schema.Tables[record.Table];
            foreach (var lookup in table.Lookups)
            {
                if (record.Values.TryGetValue(lookup.Name, out var value) && value is string target
                    && !seen.Contains((lookup.Target!, target)))
                {
                    problems.Add($"{record.Table} '{record.Id}'.{lookup.Name} -> {lookup.Target} '{target}' is not earlier in the set");
                }
            }
            seen.Add((record.Table, record.Id));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Generate_SameSeed_IsDeterministic()
    {
        var first = Describe(DemoDataSet.Generate(Today, seed: 7));
        var second = Describe(DemoDataSet.Generate(Today, seed: 7));
        var otherSeed = Describe(DemoDataSet.Generate(Today, seed: 8));

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
    }

    [Theory]
    [MemberData(nameof(Days))]
    public void Generate_Bookings_IncludePastTodayAndFuture(string day)
    {
        var today = DateOnly.Parse(day, CultureInfo.InvariantCulture);
        var bookings = DemoDataSet.Generate(today).Where(r => r.Table == Bookings).ToList();

        var days = bookings.Select(b => DateOnly.FromDateTime(((DateTimeOffset)b.Values["starttime"]!).UtcDateTime)).ToList();
        Assert.Contains(days, d => d < today);
        Assert.Contains(days, d => d == today);
        Assert.Contains(days, d => d > today);
        Assert.All(days, d => Assert.InRange(d, today.AddDays(DemoDataSet.FirstDay), today.AddDays(DemoDataSet.LastDay)));
        Assert.All(bookings, b => Assert.True((DateTimeOffset)b.Values["endtime"]! > (DateTimeOffset)b.Values["starttime"]!));

        var past = bookings.Where((_, i) => days[i] < today).Select(b => (string)b.Values["bookingstatus"]!).ToList();
        Assert.True(past.Count(s => s == DemoDataSet.StatusCompleted) > past.Count / 2, "past bookings should be mostly completed");
        Assert.Contains(DemoDataSet.StatusCanceled, past);
        Assert.Contains(DemoDataSet.StatusCanceled, bookings.Where((_, i) => days[i] > today).Select(b => (string)b.Values["bookingstatus"]!));
        Assert.InRange(bookings.Count, 90, 160);
    }

    [Theory]
    [MemberData(nameof(Days))]
    public void Generate_Always_EveryTechnicianHasFutureBookings(string day)
    {
        var today = DateOnly.Parse(day, CultureInfo.InvariantCulture);
        var records = DemoDataSet.Generate(today);

        for (var n = 1; n <= DemoDataSet.TechnicianCount; n++)
        {
            var resourceId = DemoDataSet.TechnicianResourceId(n);
            var resource = Assert.Single(records, r => r.Table == "bookableresource" && r.Id == resourceId);
            Assert.Equal(DemoDataSet.TechnicianUserId(n), resource.Values["userid"]);
            var own = records.Where(r => r.Table == Bookings && (string)r.Values["resource"]! == resourceId
                && (string)r.Values["bookingstatus"]! != DemoDataSet.StatusCanceled)
                .Select(r => DateOnly.FromDateTime(((DateTimeOffset)r.Values["starttime"]!).UtcDateTime))
                .ToList();
            Assert.Contains(own, d => d > today);
            Assert.Contains(own, d => d == today);
        }
    }

    [Fact]
    public void Generate_Always_HasTheDocumentedVolume()
    {
        var counts = DemoDataSet.Generate(Today).GroupBy(r => r.Table).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(Schema.Tables.Keys.Order(StringComparer.Ordinal), counts.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(counts.Values.Sum(), 400, 700);
        Assert.InRange(counts["workorder"], 50, 70);
        Assert.InRange(counts["workorderproduct"], 70, 140);
        Assert.InRange(counts["workorderservicetask"], 60, 120);
    }

    /// <summary>Every record with its values as JSON (type name and value), so two sets compare exactly.</summary>
    private static string Describe(IReadOnlyList<DemoRecord> records)
    {
        var text = new StringBuilder();
        foreach (var record in records)
        {
            text.Append(record.Table).Append(' ').Append(record.Id);
            foreach (var (name, value) in record.Values)
            {
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    RecordValues.Write(writer, value);
                }
                text.Append(' ').Append(name).Append('=').Append(value?.GetType().Name).Append(':').Append(Encoding.UTF8.GetString(buffer.ToArray()));
            }
            text.AppendLine();
        }
        return text.ToString();
    }
}
