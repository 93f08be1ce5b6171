using System.Text.Json;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using Record = FieldSync.Core.Records.Record;

namespace FieldSync.Core.Tests;

public class RecordValuesTests
{
    private static readonly TableSchema Table = SchemaCatalog.Parse("""
        { "schemaVersion": 1, "tables": {
          "other": { "primaryName": "name", "columns": { "name": { "type": "string", "maxLength": 5 } } },
          "thing": { "primaryName": "name", "columns": {
            "name": { "type": "string", "maxLength": 5, "required": true },
            "count": { "type": "integer" },
            "price": { "type": "decimal" },
            "ratio": { "type": "double" },
            "active": { "type": "boolean" },
            "starts": { "type": "datetime" },
            "day": { "type": "date" },
            "state": { "type": "choice", "options": [ { "value": 1, "label": "Open" } ] },
            "other": { "type": "lookup", "target": "other" } } } } }
        """).Tables["thing"];

    private static (Dictionary<string, object?> Values, List<FieldError> Errors) Read(string json)
    {
        var errors = new List<FieldError>();
        using var doc = JsonDocument.Parse(json);
        return (RecordValues.ReadColumns(Table, doc.RootElement, errors), errors);
    }

    [Fact]
    public void ReadColumns_EveryType_ReadsTypedValues()
    {
        var (values, errors) = Read("""
            { "id": "x1", "name": "abc", "count": 12, "price": 19.99, "ratio": 0.5, "active": true,
              "starts": "2026-11-25T08:30:00+01:00", "day": "2026-11-25", "state": 1, "other": "o-1" }
            """);
        Assert.Empty(errors);
        Assert.Equal(12L, values["count"]);
        Assert.Equal(19.99m, values["price"]);
        Assert.Equal(0.5, values["ratio"]);
        Assert.Equal(true, values["active"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 7, 30, 0, TimeSpan.Zero), values["starts"]);
        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)values["starts"]!).Offset);
        Assert.Equal(new DateOnly(2026, 11, 25), values["day"]);
        Assert.Equal(1, values["state"]);
        Assert.Equal("o-1", values["other"]);
        Assert.False(values.ContainsKey("id"));
    }

    [Theory]
    [InlineData("""{ "nope": 1 }""", "nope", "no column")]
    [InlineData("""{ "version": 3 }""", "version", "assigned by the server")]
    [InlineData("""{ "modifiedOn": "2026-01-01T00:00:00Z" }""", "modifiedOn", "assigned by the server")]
    [InlineData("""{ "count": "12" }""", "count", "whole number")]
    [InlineData("""{ "count": 1.5 }""", "count", "whole number")]
    [InlineData("""{ "name": "toolong" }""", "name", "maximum is 5")]
    [InlineData("""{ "active": "yes" }""", "active", "true or false")]
    [InlineData("""{ "starts": "2026-11-25T08:30:00" }""", "starts", "offset")]
    [InlineData("""{ "starts": "yesterday" }""", "starts", "offset")]
    [InlineData("""{ "day": "25/11/2026" }""", "day", "yyyy-MM-dd")]
    [InlineData("""{ "state": 7 }""", "state", "one of 1 (Open)")]
    [InlineData("""{ "other": "a/b" }""", "other", "not a valid other id")]
    [InlineData("""{ "other": 5 }""", "other", "record id")]
    [InlineData("""{ "ratio": 1e400 }""", "ratio", "finite")]
    [InlineData("""{ "starts": "1600-12-31T23:59:59Z" }""", "starts", "before 1601-01-01")]
    [InlineData("""{ "starts": "1601-01-01T00:30:00+01:00" }""", "starts", "before 1601-01-01")]
    [InlineData("""{ "starts": "0001-01-01T00:00:00Z" }""", "starts", "before 1601-01-01")]
    [InlineData("""{ "day": "1600-12-31" }""", "day", "before 1601-01-01")]
    [InlineData("""{ "day": "0001-01-01" }""", "day", "before 1601-01-01")]
    public void ReadColumns_BadValue_ReportsTheField(string json, string field, string message)
    {
        var (_, errors) = Read(json);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "starts": "1601-01-01T00:00:00Z", "day": "1601-01-01" }""")]
    [InlineData("""{ "starts": "9999-12-31T23:59:59Z", "day": "9999-12-31" }""")]
    public void ReadColumns_DatesAtTheStorableLimits_AreAccepted(string json)
    {
        var (values, errors) = Read(json);
        Assert.Empty(errors);
        Assert.Equal(2, values.Count);
    }

    [Fact]
    public void ReadColumns_NotAnObject_ReportsBody()
    {
        var (_, errors) = Read("[1,2]");
        Assert.Equal("$", Assert.Single(errors).Field);
    }

    [Fact]
    public void ReadColumns_SeveralBadValues_ReportsAll()
    {
        var (_, errors) = Read("""{ "count": "x", "nope": 1, "state": 9 }""");
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void ReadColumns_Null_ClearsColumn()
    {
        var (values, errors) = Read("""{ "count": null }""");
        Assert.Empty(errors);
        Assert.True(values.ContainsKey("count"));
        Assert.Null(values["count"]);
    }

    [Fact]
    public void CheckRequired_MissingRequired_Reports()
    {
        var errors = new List<FieldError>();
        RecordValues.CheckRequired(Table, new Dictionary<string, object?> { ["count"] = 1L }, errors);
        Assert.Equal("name", Assert.Single(errors).Field);
    }

    [Fact]
    public void Check_WrongClrType_Fails()
    {
        Assert.False(RecordValues.Check(Table.Columns["count"], 5, out _)); // int is not long
        Assert.True(RecordValues.Check(Table.Columns["count"], 5L, out _));
        Assert.False(RecordValues.Check(Table.Columns["starts"], DateTime.UtcNow, out _));
    }

    [Fact]
    public void Write_ThenRead_RoundTripsEveryType()
    {
        var values = new Dictionary<string, object?>
        {
            ["name"] = "n", ["count"] = long.MaxValue, ["price"] = 1234567890.123456789m, ["ratio"] = 0.1, ["active"] = false,
            ["starts"] = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), ["day"] = new DateOnly(2026, 2, 28), ["state"] = 1, ["other"] = "o",
        };
        var json = RecordJsonText(new Record("thing", "t1", 3, DateTimeOffset.UnixEpoch, "me", false, values));
        var (read, errors) = Read(json.Replace("\"version\":3,", "", StringComparison.Ordinal)
            .Replace("\"modifiedOn\":\"1970-01-01T00:00:00Z\",\"modifiedBy\":\"me\",", "", StringComparison.Ordinal));
        Assert.Empty(errors);
        Assert.Equal(values.OrderBy(kv => kv.Key), read.OrderBy(kv => kv.Key));
    }

    private static string RecordJsonText(Record record)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            RecordJson.Write(writer, record);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
