using FieldSync.Core.Schema;

namespace FieldSync.Core.Tests;

public class SchemaCatalogTests
{
    private static readonly string[] RequiredTables =
    [
        "account", "contact", "bookableresource", "bookableresourcebooking", "bookingstatus", "workorder",
        "workordertype", "customerasset", "product", "workorderproduct", "workorderservicetask",
    ];

    [Fact]
    public void LoadDefault_Always_DeclaresTheFieldServiceTables()
    {
        var schema = SchemaCatalog.LoadDefault();
        Assert.True(schema.Version >= 1);
        foreach (var table in RequiredTables)
        {
            Assert.True(schema.TryGetTable(table, out _), $"missing table {table}");
        }
    }

    [Fact]
    public void LoadDefault_Always_LinksBookingsToWorkOrdersAndResources()
    {
        var booking = SchemaCatalog.LoadDefault().Tables["bookableresourcebooking"];
        Assert.Contains(booking.Lookups, c => c.Target == "workorder");
        Assert.Contains(booking.Lookups, c => c.Target == "bookableresource");
        Assert.Contains(SchemaCatalog.LoadDefault().Tables["workorder"].Lookups, c => c.Target == "account");
    }

    [Fact]
    public void Parse_ValidDocument_ReadsTypesAndLookups()
    {
        var schema = SchemaCatalog.Parse("""
            { "schemaVersion": 2, "tables": {
              "parent": { "primaryName": "name", "columns": { "name": { "type": "string", "maxLength": 10, "required": true } } },
              "child": { "displayName": "Child", "primaryName": "name", "columns": {
                "name": { "type": "string", "maxLength": 20 },
                "parent": { "type": "lookup", "target": "parent" },
                "state": { "type": "choice", "options": [ { "value": 1, "label": "Open" }, { "value": 2, "label": "Closed" } ] },
                "when": { "type": "datetime" } } } } }
            """);
        Assert.Equal(2, schema.Version);
        var child = schema.Tables["child"];
        Assert.Equal(ColumnType.Lookup, child.Columns["parent"].Type);
        Assert.Equal("parent", child.Columns["parent"].Target);
        Assert.Equal(2, child.Columns["state"].Options.Count);
        Assert.True(schema.Tables["parent"].Columns["name"].Required);
        Assert.Equal(10, schema.Tables["parent"].Columns["name"].MaxLength);
    }

    [Theory]
    [InlineData("""{ "schemaVersion": 1, "tables": { "tbl": { "primaryName": "n", "columns": { "n": { "type": "string", "maxLength": 5 }, "p": { "type": "lookup", "target": "nowhere" } } } } }""", "lookup target 'nowhere'")]
    [InlineData("""{ "schemaVersion": 1, "tables": { "tbl": { "primaryName": "n", "columns": { "n": { "type": "string" } } } } }""", "must declare 'maxLength'")]
    [InlineData("""{ "schemaVersion": 1, "tables": { "tbl": { "primaryName": "n", "columns": { "n": { "type": "string", "maxLength": 5 }, "version": { "type": "integer" } } } } }""", "system field")]
    [InlineData("""{ "schemaVersion": 1, "tables": { "tbl": { "primaryName": "n", "columns": { "n": { "type": "string", "maxLength": 5 }, "c": { "type": "choice" } } } } }""", "at least one option")]
    [InlineData("""{ "schemaVersion": 1, "tables": { "tbl": { "primaryName": "n", "columns": { "n": { "type": "text", "maxLength": 5 } } } } }""", "'type' must be one of")]
    [InlineData("""{ "schemaVersion": 1, "tables": { "Bad/Name": { "primaryName": "n", "columns": { "n": { "type": "string", "maxLength": 5 } } } } }""", "table name")]
    [InlineData("""{ "schemaVersion": 1, "tables": { "tbl": { "primaryName": "x", "columns": { "n": { "type": "string", "maxLength": 5 } } } } }""", "primaryName 'x'")]
    [InlineData("""{ "schemaVersion": 1, "tables": { "tbl": { "primaryName": "n", "columns": { "n": { "type": "string", "maxLength": 40000 } } } } }""", "'maxLength' must be")]
    [InlineData("""{ "tables": { } }""", "schemaVersion")]
    [InlineData("""{ "schemaVersion": 1, "tables": { "tbl": { "primaryName": "n", "colums": { } } } }""", "unknown property 'colums'")]
    [InlineData("not json", "not valid JSON")]
    public void Parse_InvalidDocument_ThrowsWithPreciseError(string json, string expected)
    {
        var ex = Assert.Throws<SchemaValidationException>(() => SchemaCatalog.Parse(json));
        Assert.Contains(ex.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        var ex = Assert.Throws<SchemaValidationException>(() => SchemaCatalog.Parse("""
            { "schemaVersion": 1, "tables": { "tbl": { "primaryName": "n", "columns": {
              "n": { "type": "string" }, "p": { "type": "lookup" }, "id": { "type": "integer" } } } } }
            """));
        Assert.True(ex.Errors.Count >= 3, string.Join("; ", ex.Errors));
    }
}
