using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;

namespace FieldSync.Core.Tests.Profiles;

internal static class ProfileTestData
{
    public static SchemaCatalog Catalog { get; } = SchemaCatalog.LoadDefault();

    public static FieldSync.Core.Records.Record Row(string table, string id, params (string Column, object? Value)[] values)
        => new(table, id, 1, DateTimeOffset.UnixEpoch, "test", false, values.ToDictionary(v => v.Column, v => v.Value, StringComparer.Ordinal));

    public static RowFilter Filter(string table, string text)
    {
        Assert.True(RowFilter.TryParse(text, table, Catalog, out var filter, out var errors), $"'{text}' failed: {string.Join("; ", errors)}");
        return filter;
    }

    public static IReadOnlyList<string> FilterErrors(string table, string text)
    {
        Assert.False(RowFilter.TryParse(text, table, Catalog, out _, out var errors), $"'{text}' was accepted");
        Assert.NotEmpty(errors);
        return errors;
    }

    /// <summary>A sequence as "a, b, c", so expectations read as text (and name the difference when they fail).</summary>
    public static string Listed<T>(IEnumerable<T> items) => string.Join(", ", items);

    public static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();

    public static FilterContext Context(string? resource = "resource-1", string now = "2026-03-10T12:00:00Z", string user = "user-1")
        => new(user, resource, DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Parses a profile expected to be invalid and returns its errors.</summary>
    public static IReadOnlyList<ProfileError> Errors(string json)
        => Assert.Throws<ProfileValidationException>(() => ProfileParser.Parse(json, Catalog)).Errors;

    /// <summary>A minimal valid profile around the given "tables" members.</summary>
    public static string Profile(string tables, string settings = "")
        => $$"""
            {
              "id": "test-profile",
              "name": "Test profile",
              {{(settings.Length > 0 ? $"\"settings\": {settings}," : "")}}
              "tables": { {{tables}} }
            }
            """;

    public const string Bookings = """
        "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource", "syncIntervalMinutes": 5 }
        """;
}
