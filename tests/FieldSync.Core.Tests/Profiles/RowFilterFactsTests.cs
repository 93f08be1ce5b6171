using FieldSync.Core.Profiles;
using static FieldSync.Core.Tests.Profiles.ProfileTestData;

namespace FieldSync.Core.Tests.Profiles;

public class RowFilterFactsTests
{
    [Theory]
    [InlineData("resource eq @currentResource", "resource", FilterParameter.CurrentResource)]
    [InlineData("@currentResource eq resource", "resource", FilterParameter.CurrentResource)]
    [InlineData("name eq @currentUser", "name", FilterParameter.CurrentUser)]
    [InlineData("endtime ge @today and resource eq @currentResource and name ne 'x'", "resource", FilterParameter.CurrentResource)]
    [InlineData("(endtime ge @today and (name ne 'x' and @currentResource eq resource))", "resource", FilterParameter.CurrentResource)]
    [InlineData("(duration eq 1 or name eq 'x') and resource eq @currentResource", "resource", FilterParameter.CurrentResource)]
    public void ParameterEquality_TopLevelConjunct_IsFound(string text, string column, FilterParameter parameter)
        => Assert.Equal((column, parameter), Filter("bookableresourcebooking", text).ParameterEquality);

    [Theory]
    [InlineData("resource eq @currentResource or name eq 'x'")]
    [InlineData("not (resource ne @currentResource)")]
    [InlineData("not (resource eq @currentResource)")]
    [InlineData("resource ne @currentResource")]
    [InlineData("endtime ge @today")]
    [InlineData("resource eq 'resource-1'")]
    [InlineData("(resource eq @currentResource or name eq 'x') and endtime ge @today")]
    public void ParameterEquality_NotATopLevelEquality_IsNull(string text)
        => Assert.Null(Filter("bookableresourcebooking", text).ParameterEquality);

    [Theory]
    [InlineData("endtime ge @today", true, false)]
    [InlineData("starttime lt now()", true, false)]
    [InlineData("resource eq @currentResource", false, true)]
    [InlineData("name eq @currentUser", false, true)]
    [InlineData("resource eq @currentResource and endtime ge @today", true, true)]
    [InlineData("bookingstatus ne 'bookingstatus-completed'", false, false)]
    [InlineData("endtime ge 2026-01-01", false, false)]
    public void Facts_Parameters_AreDerived(string text, bool timeRelative, bool userParameters)
    {
        var filter = Filter("bookableresourcebooking", text);
        Assert.Equal(timeRelative, filter.IsTimeRelative);
        Assert.Equal(userParameters, filter.UsesUserParameters);
        Assert.Equal(text, filter.Text);
        Assert.Equal("bookableresourcebooking", filter.Table);
    }

    [Fact]
    public void Columns_Filter_ListsEveryColumnRead()
    {
        var filter = Filter("bookableresourcebooking", "resource eq @currentResource and endtime ge @today and (contains(tolower(name), 'x') or id eq 'b-1')");
        Assert.Equal("endtime, id, name, resource", Listed(filter.Columns.Order(StringComparer.Ordinal)));
        Assert.Equal("CurrentResource, Today", Listed(filter.Parameters.Order()));
    }
}
