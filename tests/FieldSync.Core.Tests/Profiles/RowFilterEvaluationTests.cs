using FieldSync.Core.Profiles;
using static FieldSync.Core.Tests.Profiles.ProfileTestData;

namespace FieldSync.Core.Tests.Profiles;

public class RowFilterEvaluationTests
{
    // endtime, instructions and customerasset are absent: they exercise OData's null semantics.
    private static readonly FieldSync.Core.Records.Record WorkOrder = Row("workorder", "wo-1",
        ("name", "WO-0001"),
        ("priority", 3),
        ("systemstatus", 690970001),
        ("starttime", Utc("2026-03-10T08:00:00Z")),
        ("totalamount", 120.50m),
        ("latitude", 47.6),
        ("serviceaccount", "account-1"),
        ("billingaccount", null));

    [Theory]
    // Comparisons on a choice column.
    [InlineData("priority eq 3", true)]
    [InlineData("priority ne 3", false)]
    [InlineData("priority gt 2", true)]
    [InlineData("priority ge 3", true)]
    [InlineData("priority lt 3", false)]
    [InlineData("priority le 3", true)]
    // Null: eq null is true when absent or null; ordering with null is false; ne is true when exactly one side is null.
    [InlineData("endtime eq null", true)]
    [InlineData("null eq endtime", true)]
    [InlineData("billingaccount eq null", true)]
    [InlineData("endtime ne null", false)]
    [InlineData("serviceaccount eq null", false)]
    [InlineData("serviceaccount ne null", true)]
    [InlineData("endtime gt 2020-01-01T00:00:00Z", false)]
    [InlineData("endtime lt 2020-01-01T00:00:00Z", false)]
    [InlineData("endtime le 2020-01-01T00:00:00Z", false)]
    [InlineData("endtime ne 2020-01-01T00:00:00Z", true)]
    [InlineData("not (endtime gt 2020-01-01T00:00:00Z)", true)]
    // Strings: ordinal, case-sensitive unless folded.
    [InlineData("name eq 'WO-0001'", true)]
    [InlineData("name eq 'wo-0001'", false)]
    [InlineData("name gt 'WO-0000'", true)]
    [InlineData("name lt 'wo'", true)]
    [InlineData("tolower(name) eq 'wo-0001'", true)]
    [InlineData("toupper(tolower(name)) eq 'WO-0001'", true)]
    [InlineData("contains(name, '-00')", true)]
    [InlineData("contains(name, 'wo')", false)]
    [InlineData("startswith(name, 'WO')", true)]
    [InlineData("endswith(name, '1')", true)]
    [InlineData("endswith(name, '2')", false)]
    [InlineData("contains(name, '-00') eq false", false)]
    // A string function of null is null: neither it nor its negation selects the row.
    [InlineData("contains(instructions, 'x')", false)]
    [InlineData("not contains(instructions, 'x')", false)]
    [InlineData("tolower(instructions) eq null", true)]
    // in
    [InlineData("priority in (1, 3)", true)]
    [InlineData("priority in (1, 2)", false)]
    [InlineData("serviceaccount in ('account-1', 'account-2')", true)]
    [InlineData("billingaccount in ('account-1', null)", true)]
    [InlineData("serviceaccount in ('account-2', null)", false)]
    // Numbers of every column type, with literals promoted.
    [InlineData("totalamount gt 100", true)]
    [InlineData("totalamount eq 120.5", true)]
    [InlineData("totalamount lt 120.50", false)]
    [InlineData("latitude gt 47.5", true)]
    [InlineData("latitude eq 47.6", true)]
    // Date-times compare as instants; a date literal means 00:00Z of that date.
    [InlineData("starttime ge 2026-03-10T08:00:00Z", true)]
    [InlineData("starttime gt 2026-03-10T09:00:00+02:00", true)]
    [InlineData("starttime ge 2026-03-10", true)]
    [InlineData("starttime lt 2026-03-11", true)]
    [InlineData("starttime lt 2026-03-10", false)]
    // Logic and parentheses.
    [InlineData("priority eq 3 and name eq 'x'", false)]
    [InlineData("priority eq 3 or name eq 'x'", true)]
    [InlineData("(priority eq 1 or priority eq 3) and startswith(name, 'WO')", true)]
    [InlineData("not (priority eq 3)", false)]
    [InlineData("not (priority eq 1) and not (name eq 'x')", true)]
    [InlineData("id eq 'wo-1'", true)]
    [InlineData("true", true)]
    [InlineData("false or priority eq 3", true)]
    public void Evaluate_WorkOrder_FollowsODataSemantics(string filter, bool expected)
        => Assert.Equal(expected, Filter("workorder", filter).Evaluate(WorkOrder, Context()));

    [Theory]
    [InlineData("incidentrequired", true, true)]
    [InlineData("incidentrequired", false, false)]
    [InlineData("incidentrequired", null, false)]
    [InlineData("not incidentrequired", false, true)]
    [InlineData("not incidentrequired", null, false)]
    [InlineData("incidentrequired eq true", true, true)]
    [InlineData("incidentrequired eq null", null, true)]
    [InlineData("incidentrequired ne true", null, true)]
    public void Evaluate_BooleanColumn_IsTrueOnlyForTrue(string filter, bool? value, bool expected)
    {
        var row = Row("workordertype", "type-1", ("name", "Repair"), ("incidentrequired", value));
        Assert.Equal(expected, Filter("workordertype", filter).Evaluate(row, Context()));
    }

    [Theory]
    [InlineData("estimatedduration gt 60", true)]
    [InlineData("estimatedduration eq 90", true)]
    [InlineData("estimatedduration eq 5000000000", false)]
    [InlineData("estimatedduration in (30, 90)", true)]
    public void Evaluate_IntegerColumn_ComparesAsNumbers(string filter, bool expected)
    {
        var row = Row("workordertype", "type-1", ("name", "Repair"), ("estimatedduration", 90L));
        Assert.Equal(expected, Filter("workordertype", filter).Evaluate(row, Context()));
    }

    [Theory]
    // @today against a datetime column is 00:00Z of today's UTC date.
    [InlineData("2026-03-10T00:30:00Z", "2026-03-10T00:00:00Z", true)]
    [InlineData("2026-03-10T00:30:00Z", "2026-03-09T23:59:59Z", false)]
    [InlineData("2026-03-10T23:59:59Z", "2026-03-10T00:00:00Z", true)]
    [InlineData("2026-03-11T00:00:00Z", "2026-03-10T23:59:59Z", false)]
    [InlineData("2026-03-09T23:59:00Z", "2026-03-09T00:00:00Z", true)]
    // Today is the UTC date of Now, whatever offset Now carries: 01:00+02:00 on the 10th is still the 9th in UTC.
    [InlineData("2026-03-10T01:00:00+02:00", "2026-03-09T12:00:00Z", true)]
    [InlineData("2026-03-09T23:00:00-02:00", "2026-03-09T12:00:00Z", false)]
    public void Evaluate_TodayAgainstDateTime_MeansMidnightUtc(string now, string endtime, bool expected)
    {
        var booking = Row("bookableresourcebooking", "b-1", ("endtime", Utc(endtime)));
        Assert.Equal(expected, Filter("bookableresourcebooking", "endtime ge @today").Evaluate(booking, Context(now: now)));
    }

    [Theory]
    [InlineData("installedon ge @today", "2026-03-10T23:59:59Z", true)]
    [InlineData("installedon ge @today", "2026-03-11T00:00:00Z", false)]
    [InlineData("installedon eq @today", "2026-03-10T00:00:00Z", true)]
    [InlineData("installedon eq @today", "2026-03-09T23:59:59Z", false)]
    [InlineData("installedon lt @today", "2026-03-11T00:00:00Z", true)]
    [InlineData("installedon eq 2026-03-10", "2020-01-01T00:00:00Z", true)]
    public void Evaluate_TodayAgainstDate_ComparesDates(string filter, string now, bool expected)
    {
        var asset = Row("customerasset", "asset-1", ("name", "Boiler"), ("installedon", new DateOnly(2026, 3, 10)));
        Assert.Equal(expected, Filter("customerasset", filter).Evaluate(asset, Context(now: now)));
    }

    [Theory]
    [InlineData("starttime lt now()", "2026-03-10T08:00:01Z", true)]
    [InlineData("starttime lt now()", "2026-03-10T08:00:00Z", false)]
    [InlineData("starttime le now()", "2026-03-10T10:00:00+02:00", true)]
    [InlineData("starttime gt now()", "2026-03-10T07:59:59Z", true)]
    public void Evaluate_Now_IsTheContextTime(string filter, string now, bool expected)
        => Assert.Equal(expected, Filter("workorder", filter).Evaluate(WorkOrder, Context(now: now)));

    [Fact]
    public void Evaluate_DateColumnAgainstNow_ComparesMidnightUtc()
    {
        var asset = Row("customerasset", "asset-1", ("name", "Boiler"), ("installedon", new DateOnly(2026, 3, 10)));
        var filter = Filter("customerasset", "installedon le now()");
        Assert.True(filter.Evaluate(asset, Context(now: "2026-03-10T00:00:00Z")));
        Assert.False(filter.Evaluate(asset, Context(now: "2026-03-09T23:59:59Z")));
    }

    [Theory]
    [InlineData("resource eq @currentResource", "resource-1", "resource-1", true)]
    [InlineData("resource eq @currentResource", "resource-1", "resource-2", false)]
    [InlineData("@currentResource eq resource", "resource-1", "resource-1", true)]
    // A user with no bookable resource carries no resource-filtered rows, even rows with no resource, even negated.
    [InlineData("resource eq @currentResource", "resource-1", null, false)]
    [InlineData("resource eq @currentResource", null, null, false)]
    [InlineData("resource ne @currentResource", "resource-1", null, false)]
    [InlineData("not (resource eq @currentResource)", "resource-1", null, false)]
    [InlineData("contains(resource, @currentResource)", "resource-1", null, false)]
    // Unknown only removes its own branch: the rest of an or still counts.
    [InlineData("resource eq @currentResource or name eq 'B'", "resource-1", null, true)]
    [InlineData("resource eq @currentResource and name eq 'B'", "resource-1", null, false)]
    public void Evaluate_CurrentResource_MatchesOnlyTheUsersResource(string filter, string? rowResource, string? contextResource, bool expected)
    {
        var booking = Row("bookableresourcebooking", "b-1", ("name", "B"), ("resource", rowResource));
        Assert.Equal(expected, Filter("bookableresourcebooking", filter).Evaluate(booking, Context(resource: contextResource)));
    }

    [Theory]
    [InlineData("tech1", true)]
    [InlineData("tech2", false)]
    [InlineData("TECH1", false)]
    public void Evaluate_CurrentUser_ComparesOrdinal(string user, bool expected)
    {
        var resource = Row("bookableresource", "resource-tech1", ("name", "Tech 1"), ("userid", "tech1"));
        Assert.Equal(expected, Filter("bookableresource", "userid eq @currentUser").Evaluate(resource, Context(user: user)));
    }

    [Fact]
    public void Evaluate_RowOfAnotherTable_Throws()
        => Assert.Throws<ArgumentException>(() => Filter("workorder", "priority eq 3").Evaluate(Row("account", "a-1"), Context()));

    [Fact]
    public void Evaluate_ValueOfUnexpectedType_DoesNotMatch()
    {
        // Stored data that no longer fits the schema is not carried rather than crashing the sync.
        var row = Row("workorder", "wo-2", ("priority", "3"));
        Assert.False(Filter("workorder", "priority eq 3").Evaluate(row, Context()));
        Assert.False(Filter("workorder", "priority ne 3").Evaluate(row, Context()));
    }
}
