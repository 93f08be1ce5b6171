using FieldSync.Core.Online;
using FieldSync.Core.Records;
using static FieldSync.Core.Tests.Profiles.ProfileTestData;

namespace FieldSync.Core.Tests.Online;

/// <summary>The query string of an online query, and the plan it gets (which storage reads answer it).</summary>
public class OnlineQueryParserTests
{
    private static Dictionary<string, IReadOnlyList<string>> Query(params (string Name, string Value)[] parameters)
        => parameters.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(p => p.Value)], StringComparer.Ordinal);

    private static OnlineQuery Parse(string table, params (string, string)[] parameters)
    {
        var errors = new List<FieldError>();
        var query = OnlineQueryParser.Parse(Catalog.Tables[table], Catalog, Query(parameters), errors);
        Assert.True(query is not null, string.Join("; ", errors));
        return query!;
    }

    private static List<FieldError> Errors(string table, params (string, string)[] parameters)
    {
        var errors = new List<FieldError>();
        Assert.Null(OnlineQueryParser.Parse(Catalog.Tables[table], Catalog, Query(parameters), errors));
        Assert.NotEmpty(errors);
        return errors;
    }

    [Fact]
    public void Parse_Nothing_ScansWithTheDefaultTop()
    {
        var query = Parse("workorder");
        Assert.Equal(OnlinePlanKind.Scan, query.Plan.Kind);
        Assert.Equal(OnlineLimits.DefaultTop, query.Top);
        Assert.Null(query.Filter);
        Assert.Null(query.Select);
    }

    [Fact]
    public void Plan_IdEquality_IsAPointReadOfThatId()
    {
        var query = Parse("workorder", ("$filter", "priority eq 1 and id eq 'wo-7'"));
        Assert.Equal(OnlinePlanKind.PointRead, query.Plan.Kind);
        Assert.Equal("wo-7", query.Plan.IdFor(Context()));
    }

    [Fact]
    public void Plan_EqualityOnALookup_IsThatValuesIndexRange()
    {
        var query = Parse("workorder", ("$filter", "contains(name, 'pump') and serviceaccount eq 'account-3'"));
        Assert.Equal(OnlinePlanKind.IndexRange, query.Plan.Kind);
        Assert.Equal("serviceaccount", query.Plan.Column);
        Assert.Equal(("account-3", "account-3"), query.Plan.RangeFor(Context()));
    }

    [Fact]
    public void Plan_EqualityWithAParameter_TakesTheCallersValue()
    {
        var query = Parse("bookableresourcebooking", ("$filter", "@currentResource eq resource"));
        Assert.Equal("resource", query.Plan.Column);
        Assert.Equal(("resource-9", "resource-9"), query.Plan.RangeFor(Context(resource: "resource-9")));
        Assert.Null(query.Plan.RangeFor(Context(resource: null))); // no resource: nothing can match, nothing is read
    }

    [Fact]
    public void Plan_TimeRange_CombinesTheBoundsOfItsColumn()
    {
        var query = Parse("workorder", ("$filter", "starttime ge 2026-03-01T00:00:00Z and starttime lt @today and 2026-03-05T00:00:00Z le starttime"));
        Assert.Equal(OnlinePlanKind.IndexRange, query.Plan.Kind);
        Assert.Equal("starttime", query.Plan.Column);
        Assert.Equal(("2026-03-05T00:00:00.0000000Z", "2026-03-10T00:00:00.0000000Z"), query.Plan.RangeFor(Context(now: "2026-03-10T12:00:00Z")));
    }

    [Fact]
    public void Plan_OneSidedTimeRange_IsOpenOnTheOtherSide()
    {
        var query = Parse("workorder", ("$filter", "endtime gt now()"));
        var (low, high) = query.Plan.RangeFor(Context(now: "2026-03-10T12:00:00Z"))!.Value;
        Assert.Equal("2026-03-10T12:00:00.0000000Z", low);
        Assert.Equal("9999-12-31T23:59:59.9999999Z", high);
    }

    [Fact]
    public void Plan_EmptyTimeRange_ReadsNothing()
        => Assert.Null(Parse("workorder", ("$filter", "starttime gt 2026-03-10T00:00:00Z and starttime lt 2026-03-01T00:00:00Z")).Plan.RangeFor(Context()));

    [Theory]
    [InlineData("name eq 'WO-1'")] // not indexed
    [InlineData("serviceaccount eq 'a' or priority eq 1")] // under or: holds for no match in particular
    [InlineData("not (serviceaccount eq 'a')")]
    [InlineData("serviceaccount ne 'a'")]
    [InlineData("serviceaccount eq null")] // rows without a value have no index entry
    [InlineData("serviceaccount gt 'a'")] // a text range: no date or time
    public void Plan_NothingAKeyServes_IsAScan(string filter)
        => Assert.Equal(OnlinePlanKind.Scan, Parse("workorder", ("$filter", filter)).Plan.Kind);

    [Fact]
    public void Plan_OrderById_KeepsAnEqualityButNotARange()
    {
        Assert.Equal(OnlinePlanKind.IndexRange, Parse("workorder", ("$filter", "serviceaccount eq 'a'"), ("$orderby", "id")).Plan.Kind);
        Assert.Equal(OnlinePlanKind.Scan, Parse("workorder", ("$filter", "starttime ge 2026-01-01"), ("$orderby", "id asc")).Plan.Kind);
    }

    [Fact]
    public void Plan_OrderByAnIndexedColumn_ReadsThatColumnsIndex()
    {
        var query = Parse("workorder", ("$filter", "serviceaccount eq 'a' and starttime ge 2026-01-01"), ("$orderby", "starttime"));
        Assert.Equal("starttime", query.Plan.Column);
    }

    [Fact]
    public void Plan_OrderByAnIndexedColumnWithoutACondition_SaysWhy()
    {
        var error = Assert.Single(Errors("workorder", ("$orderby", "starttime")));
        Assert.Equal("$orderby", error.Field);
        Assert.Contains("needs a $filter condition on starttime", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name", "'name' has no index: Azure Tables serves rows in key order only")]
    [InlineData("nosuch", "'nosuch' is not a column of 'workorder'")]
    [InlineData("starttime desc", "descending order is not served")]
    [InlineData("id,name", "$orderby takes one column")]
    [InlineData("id up", "$orderby takes one column")]
    public void Parse_BadOrderBy_SaysWhy(string orderBy, string message)
    {
        var error = Assert.Single(Errors("workorder", ("$orderby", orderBy)));
        Assert.Equal("$orderby", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FilterSyntaxError_NamesThePosition()
    {
        var error = Assert.Single(Errors("workorder", ("$filter", "name eq 'x' and (priority eq 1")));
        Assert.Equal("$filter", error.Field);
        Assert.Contains("position", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FilterTypeError_NamesTheColumn()
    {
        var error = Assert.Single(Errors("workorder", ("$filter", "priority eq 'high'")));
        Assert.Contains("'priority'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Select_KeepsKnownColumnsOnceAndRefusesOthers()
    {
        Assert.Equal("name, id", Listed(Parse("workorder", ("$select", "name, id,name")).Select!));
        var error = Assert.Single(Errors("workorder", ("$select", "name,nosuch")));
        Assert.Equal("$select", error.Field);
        Assert.StartsWith("'nosuch' is not a column of 'workorder'", error.Message, StringComparison.Ordinal);
        Assert.Single(Errors("workorder", ("$select", "name,,id")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("ten")]
    [InlineData("99999999999")]
    [InlineData("")]
    public void Parse_BadTop_IsAnError(string top)
        => Assert.Equal("$top", Assert.Single(Errors("workorder", ("$top", top))).Field);

    [Fact]
    public void Parse_TopAboveTheCap_IsServedInPagesOfTheCap()
        => Assert.Equal(OnlineLimits.MaxTop, Parse("workorder", ("$top", "5000")).Top);

    [Fact]
    public void Parse_UnknownOrRepeatedParameter_IsAnError()
    {
        Assert.Equal("$expand", Assert.Single(Errors("workorder", ("$expand", "x"))).Field);
        Assert.Equal("$top", Assert.Single(Errors("workorder", ("$top", "1"), ("$top", "2"))).Field);
    }
}
