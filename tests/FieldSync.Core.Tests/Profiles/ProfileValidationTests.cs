using FieldSync.Core.Profiles;
using FieldSync.Core.Schema;
using static FieldSync.Core.Tests.Profiles.ProfileTestData;

namespace FieldSync.Core.Tests.Profiles;

public class ProfileValidationTests
{
    private static ProfileError Single(string json) => Assert.Single(Errors(json));

    private static void AssertError(string json, string path, string messageStart)
    {
        var errors = Errors(json);
        Assert.True(errors.Any(e => e.Path == path && e.Message.StartsWith(messageStart, StringComparison.Ordinal)),
            $"expected {path}: {messageStart}...; got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }

    [Fact]
    public void Parse_MalformedJson_ReportsTheDocument()
    {
        var error = Single("{ \"id\": ");
        Assert.Equal("$", error.Path);
        Assert.StartsWith("not valid JSON: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotAnObject_ReportsTheDocument()
        => Assert.Equal(new ProfileError("$", "the document must be a JSON object"), Single("[]"));

    [Theory]
    [InlineData("\"tabels\": {}", "tabels", "unknown property 'tabels'; the properties here are id, name, description, settings, tables, $comment")]
    [InlineData("\"$comment\": 5", "$comment", "'$comment' must be a string")]
    public void Parse_UnknownRootProperty_IsAnError(string extra, string path, string message)
        => Assert.Equal(new ProfileError(path, message), Single(Profile(Bookings).Replace("\"id\":", extra + ", \"id\":", StringComparison.Ordinal)));

    [Fact]
    public void Parse_DuplicateProperty_IsAnError()
        => Assert.Equal(new ProfileError("id", "'id' appears more than once"), Single(Profile(Bookings).Replace("\"id\":", "\"id\": \"other\", \"id\":", StringComparison.Ordinal)));

    [Fact]
    public void Parse_TypoInTableRule_IsAnError()
        => AssertError(Profile("""
            "product": { "download": "all", "syncInterval": 60, "syncIntervalMinutes": 60 }
            """), "tables.product.syncInterval", "unknown property 'syncInterval'; the properties here are download, filter, relatedTo, syncIntervalMinutes");

    [Fact]
    public void Parse_TypoInSettings_IsAnError()
        => Assert.Equal("settings.conflictDetect", Single(Profile(Bookings, """{ "conflictDetect": true }""")).Path);

    [Theory]
    [InlineData("Field Service")]
    [InlineData("1profile")]
    [InlineData("-profile")]
    [InlineData("")]
    [InlineData("a2345678901234567890123456789012345678901234567890123456789012345")]
    public void Parse_BadId_IsAnError(string id)
        => AssertError(Profile(Bookings).Replace("test-profile", id, StringComparison.Ordinal), "id",
            $"'{id}' is not a valid profile id: 1-64 characters of a-z, 0-9 and '-', starting with a letter");

    [Fact]
    public void Parse_MissingIdAndName_ReportsBoth()
    {
        var errors = Errors($$"""{ "tables": { {{Bookings}} } }""");
        Assert.Contains(new ProfileError("id", "'id' is required"), errors);
        Assert.Contains(new ProfileError("name", "'name' is required"), errors);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    public void Parse_BlankName_IsAnError(string name)
        => Assert.Equal(new ProfileError("name", "'name' must be 1-200 characters and not blank"),
            Single(Profile(Bookings).Replace("\"Test profile\"", name, StringComparison.Ordinal)));

    [Fact]
    public void Parse_LongName_IsAnError()
        => Assert.Equal("name", Single(Profile(Bookings).Replace("Test profile", new string('n', 201), StringComparison.Ordinal)).Path);

    [Theory]
    [InlineData("""{ "largeSyncThreshold": 0 }""", "settings.largeSyncThreshold", "'largeSyncThreshold' must be a whole number from 1 to 1000000; got 0")]
    [InlineData("""{ "largeSyncThreshold": 1000001 }""", "settings.largeSyncThreshold", "'largeSyncThreshold' must be a whole number from 1 to 1000000; got 1000001")]
    [InlineData("""{ "largeSyncIdleHours": 8761 }""", "settings.largeSyncIdleHours", "'largeSyncIdleHours' must be a whole number from 1 to 8760; got 8761")]
    [InlineData("""{ "largeSyncIdleHours": 1.5 }""", "settings.largeSyncIdleHours", "'largeSyncIdleHours' must be a whole number from 1 to 8760; got 1.5")]
    [InlineData("""{ "conflictDetection": "yes" }""", "settings.conflictDetection", "'conflictDetection' must be true or false; got \"yes\"")]
    [InlineData("""{ "allowOnlineMode": 1 }""", "settings.allowOnlineMode", "'allowOnlineMode' must be true or false; got 1")]
    [InlineData("[]", "settings", "'settings' must be an object")]
    public void Parse_BadSetting_IsAnError(string settings, string path, string message)
        => Assert.Equal(new ProfileError(path, message), Single(Profile(Bookings, settings)));

    [Fact]
    public void Parse_UnknownTable_IsAnError()
    {
        var error = Single(Profile(Bookings + """, "workorders": { "download": "all", "syncIntervalMinutes": 60 }"""));
        Assert.Equal("tables.workorders", error.Path);
        Assert.StartsWith("'workorders' is not a table of the schema; the tables are account, bookableresource, bookableresourcebooking,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TableListedTwice_IsAnError()
        => AssertError(Profile(Bookings + ", " + Bookings), "tables.bookableresourcebooking", "'bookableresourcebooking' is listed more than once");

    [Theory]
    [InlineData("""{ "syncIntervalMinutes": 60 }""", "tables.product.download", "'download' is required: all, filter, related or none")]
    [InlineData("""{ "download": "some", "syncIntervalMinutes": 60 }""", "tables.product.download", "'download' must be all, filter, related or none; got \"some\"")]
    [InlineData("""{ "download": "All", "syncIntervalMinutes": 60 }""", "tables.product.download", "'download' must be all, filter, related or none; got \"All\"")]
    [InlineData("""{ "download": "all" }""", "tables.product.syncIntervalMinutes", "'syncIntervalMinutes' is required: 5 to 1440 (one day)")]
    [InlineData("""{ "download": "all", "syncIntervalMinutes": 4 }""", "tables.product.syncIntervalMinutes", "'syncIntervalMinutes' must be a whole number from 5 to 1440; got 4")]
    [InlineData("""{ "download": "all", "syncIntervalMinutes": 1441 }""", "tables.product.syncIntervalMinutes", "'syncIntervalMinutes' must be a whole number from 5 to 1440; got 1441")]
    [InlineData("""{ "download": "all", "syncIntervalMinutes": "60" }""", "tables.product.syncIntervalMinutes", "'syncIntervalMinutes' must be a whole number from 5 to 1440; got \"60\"")]
    [InlineData("""{ "download": "all", "syncIntervalMinutes": 60, "allowCreate": "true" }""", "tables.product.allowCreate", "'allowCreate' must be true or false; got \"true\"")]
    [InlineData("""{ "download": "all", "syncIntervalMinutes": 60, "filter": "name eq 'x'" }""", "tables.product.filter", "'filter' applies only to download 'filter' or 'related'; download 'all' carries every row")]
    [InlineData("""{ "download": "all", "syncIntervalMinutes": 60, "relatedTo": ["workorderproduct.product"] }""", "tables.product.relatedTo", "'relatedTo' applies only to download 'related', not 'all'")]
    [InlineData("""{ "download": "filter", "syncIntervalMinutes": 60 }""", "tables.product.filter", "download 'filter' needs a 'filter'")]
    [InlineData("""{ "download": "filter", "filter": 5, "syncIntervalMinutes": 60 }""", "tables.product.filter", "'filter' must be a string: an OData $filter expression; got 5")]
    [InlineData("""{ "download": "filter", "filter": "name eq 'x'", "relatedTo": ["workorderproduct.product"], "syncIntervalMinutes": 60 }""", "tables.product.relatedTo", "'relatedTo' applies only to download 'related', not 'filter'")]
    [InlineData("""{ "download": "related", "syncIntervalMinutes": 60 }""", "tables.product.relatedTo", "download 'related' needs 'relatedTo'")]
    [InlineData("""{ "download": "related", "relatedTo": [], "syncIntervalMinutes": 60 }""", "tables.product.relatedTo", "'relatedTo' must be a non-empty array of \"table.column\" strings")]
    [InlineData("""{ "download": "related", "relatedTo": "workorderproduct.product", "syncIntervalMinutes": 60 }""", "tables.product.relatedTo", "'relatedTo' must be a non-empty array")]
    [InlineData("""{ "download": "related", "relatedTo": [5], "syncIntervalMinutes": 60 }""", "tables.product.relatedTo[0]", "each relationship must be a \"table.column\" string; got 5")]
    [InlineData("""{ "download": "none", "syncIntervalMinutes": 60 }""", "tables.product.syncIntervalMinutes", "'syncIntervalMinutes' does not apply to a table with download 'none', which devices do not carry")]
    [InlineData("""{ "download": "none", "allowCreate": true }""", "tables.product.allowCreate", "'allowCreate' does not apply to a table with download 'none'")]
    [InlineData("[]", "tables.product", "a table rule must be an object")]
    public void Parse_BadTableRule_IsAnError(string rule, string path, string message)
        => AssertError(Profile(Bookings + ", \"product\": " + rule), path, message);

    [Fact]
    public void Parse_BadFilter_ReportsItUnderTheTablesFilter()
        => Assert.Equal(new ProfileError("tables.workorder.filter", "7 is not an option of choice column 'priority'; its options are 1 (Low), 2 (Normal), 3 (High), 4 (Urgent)"),
            Single(Profile("""
                "workorder": { "download": "filter", "filter": "priority eq 7", "syncIntervalMinutes": 5 }
                """)));

    [Fact]
    public void Parse_BadExtraFilterOnRelated_IsReported()
        => Assert.Equal("tables.workorder.filter", Single(Profile(Bookings + """
            , "workorder": { "download": "related", "relatedTo": ["bookableresourcebooking.workorder"], "filter": "bookableresourcebooking/name eq 'x'", "syncIntervalMinutes": 5 }
            """)).Path);

    [Theory]
    [InlineData("workorder", "'workorder' must be \"table.column\" naming a lookup column, e.g. \"bookableresourcebooking.workorder\"")]
    [InlineData("a.b.c", "'a.b.c' must be \"table.column\"")]
    [InlineData(".workorder", "'.workorder' must be \"table.column\"")]
    [InlineData("nosuch.workorder", "'nosuch' is not a table of the schema")]
    [InlineData("bookableresourcebooking.nosuch", "'bookableresourcebooking' has no column 'nosuch'")]
    [InlineData("bookableresourcebooking.name", "'bookableresourcebooking.name' is a string column, not a lookup; a relationship follows a lookup column")]
    [InlineData("bookableresourcebooking.resource",
        "'bookableresourcebooking.resource' links 'bookableresourcebooking' to 'bookableresource', not to 'workorder'. A relationship of 'workorder' is a lookup of another table "
        + "that points to 'workorder', or a lookup of 'workorder' itself; the candidates are bookableresourcebooking.workorder, workorderproduct.workorder, "
        + "workorderservicetask.workorder, workorder.serviceaccount, workorder.billingaccount, workorder.workordertype, workorder.customerasset, workorder.reportedbycontact")]
    [InlineData("workorderproduct.workorder", "'workorderproduct.workorder' follows 'workorderproduct', which the profile does not carry; give 'workorderproduct' download all, filter or related")]
    [InlineData("workorder.reportedbycontact", "'workorder.reportedbycontact' follows 'contact', which the profile does not carry")]
    public void Parse_BadRelationship_IsAnError(string relationship, string message)
        => AssertError(Profile(Bookings + $$"""
            , "contact": { "download": "none" },
            "workorder": { "download": "related", "relatedTo": ["{{relationship}}"], "syncIntervalMinutes": 5 }
            """), "tables.workorder.relatedTo[0]", message);

    [Fact]
    public void Parse_RelationshipListedTwice_IsAnError()
        => Assert.Equal(new ProfileError("tables.workorder.relatedTo[1]", "'bookableresourcebooking.workorder' is listed more than once"),
            Single(Profile(Bookings + """
                , "workorder": { "download": "related", "relatedTo": ["bookableresourcebooking.workorder", "bookableresourcebooking.workorder"], "syncIntervalMinutes": 5 }
                """)));

    [Fact]
    public void Parse_SelfRelationship_IsAnError()
    {
        var schema = SchemaCatalog.Parse("""
            { "schemaVersion": 1, "tables": {
              "task": { "primaryName": "name", "columns": {
                "name": { "type": "string", "maxLength": 50 },
                "parenttask": { "type": "lookup", "target": "task" } } } } }
            """);
        var json = """
            { "id": "tasks", "name": "Tasks", "tables": {
              "task": { "download": "related", "relatedTo": ["task.parenttask"], "syncIntervalMinutes": 5 } } }
            """;
        var errors = Assert.Throws<ProfileValidationException>(() => ProfileParser.Parse(json, schema)).Errors;
        Assert.Equal(new ProfileError("tables.task.relatedTo[0]", "'task.parenttask' links 'task' to itself; a table cannot be related to itself"), Assert.Single(errors));
    }

    [Fact]
    public void Parse_TwoTableCycle_ReportsThePath()
        => Assert.Equal(new ProfileError("tables.workorder.relatedTo",
                "the relationships form a cycle: workorder → account → workorder; a table cannot depend on itself, even through other tables"),
            Single(Profile("""
                "workorder": { "download": "related", "relatedTo": ["workorder.serviceaccount"], "syncIntervalMinutes": 5 },
                "account": { "download": "related", "relatedTo": ["workorder.serviceaccount"], "syncIntervalMinutes": 60 }
                """)));

    [Fact]
    public void Parse_ThreeTableCycle_ReportsThePathOnce()
        => Assert.Equal(new ProfileError("tables.customerasset.relatedTo",
                "the relationships form a cycle: customerasset → account → workorder → customerasset; a table cannot depend on itself, even through other tables"),
            Single(Profile("""
                "customerasset": { "download": "related", "relatedTo": ["customerasset.account"], "syncIntervalMinutes": 60 },
                "account": { "download": "related", "relatedTo": ["workorder.serviceaccount"], "syncIntervalMinutes": 60 },
                "workorder": { "download": "related", "relatedTo": ["workorder.customerasset"], "syncIntervalMinutes": 5 }
                """)));

    [Theory]
    [InlineData("")]
    [InlineData("""
        "contact": { "download": "none" }
        """)]
    public void Parse_NoCarriedTable_IsAnError(string tables)
        => Assert.Equal(new ProfileError("tables", "the profile carries no table: give at least one table download all, filter or related"), Single(Profile(tables)));

    [Fact]
    public void Parse_MissingTables_IsAnError()
        => Assert.Equal(new ProfileError("tables", "'tables' is required: an object of table name to table rule"), Single("""{ "id": "a", "name": "A" }"""));

    [Fact]
    public void Parse_ManyProblems_ReportsEveryOne()
    {
        var exception = Assert.Throws<ProfileValidationException>(() => ProfileParser.Parse("""
            {
              "id": "Bad Id",
              "name": "Broken",
              "settings": { "largeSyncThreshold": 0, "wifiOnly": true },
              "tables": {
                "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource and year(endtime) eq 2026", "syncIntervalMinutes": 2 },
                "workorders": { "download": "all", "syncIntervalMinutes": 60 },
                "workorder": { "download": "related", "relatedTo": ["workorderproduct.workorder", "bookableresourcebooking.name"], "syncIntervalMinutes": 5, "alowUpdate": true },
                "product": { "download": "everything", "syncIntervalMinutes": 1440 }
              }
            }
            """, Catalog));
        Assert.Equal(
            "id, settings.wifiOnly, settings.largeSyncThreshold, "
            + "tables.bookableresourcebooking.filter, tables.bookableresourcebooking.syncIntervalMinutes, "
            + "tables.workorders, "
            + "tables.workorder.alowUpdate, tables.product.download, "
            // Relationships are resolved once every table's download mode is known.
            + "tables.workorder.relatedTo[0], tables.workorder.relatedTo[1]",
            Listed(exception.Errors.Select(e => e.Path)));
        Assert.Contains("tables.workorders: 'workorders' is not a table of the schema", exception.Message, StringComparison.Ordinal);
    }
}
