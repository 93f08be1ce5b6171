using static FieldSync.Core.Tests.Profiles.ProfileTestData;

namespace FieldSync.Core.Tests.Profiles;

public class RowFilterValidationTests
{
    [Theory]
    [InlineData("workorder/name eq 'x'", "'workorder/name' reads a related table: a row filter can read only the columns of 'bookableresourcebooking'")]
    [InlineData("workorder/serviceaccount/name eq 'x'", "'workorder/serviceaccount/name' reads a related table")]
    [InlineData("workorder/any(w: w eq 'x')", "'any' is not supported: a row filter can read only the columns of 'bookableresourcebooking'")]
    [InlineData("workorder/all(w: w eq 'x')", "'all' is not supported")]
    public void TryParse_RelatedTable_IsRejected(string text, string message)
        => Assert.Contains(FilterErrors("bookableresourcebooking", text), e => e.Contains(message, StringComparison.Ordinal));

    [Theory]
    [InlineData("duration add 5 gt 10", "add")]
    [InlineData("duration sub 5 gt 10", "sub")]
    [InlineData("duration mul 2 gt 10", "mul")]
    [InlineData("duration div 2 gt 10", "div")]
    [InlineData("duration mod 2 eq 0", "mod")]
    public void TryParse_Arithmetic_IsRejected(string text, string keyword)
        => Assert.Contains($"arithmetic ('{keyword}') is not supported in a row filter", Assert.Single(FilterErrors("bookableresourcebooking", text)), StringComparison.Ordinal);

    [Fact]
    public void TryParse_Negation_IsRejected()
        => Assert.Contains("negation", Assert.Single(FilterErrors("bookableresourcebooking", "-duration eq 5")), StringComparison.Ordinal);

    [Theory]
    [InlineData("year(starttime) eq 2026", "year")]
    [InlineData("length(name) eq 3", "length")]
    [InlineData("substring(name, 1) eq 'x'", "substring")]
    [InlineData("indexof(name, 'x') eq 1", "indexof")]
    [InlineData("cast(duration, Edm.String) eq '5'", "cast")]
    [InlineData("Contains(name, 'x')", "Contains")]
    public void TryParse_OtherFunction_IsRejected(string text, string function)
        => Assert.Contains(FilterErrors("bookableresourcebooking", text),
            e => e.Contains($"the function '{function}' is not supported; a row filter may use contains, startswith, endswith, tolower, toupper and now()", StringComparison.Ordinal));

    [Theory]
    [InlineData("nosuch eq 1", "nosuch")]
    [InlineData("Resource eq 'x'", "Resource")]
    [InlineData("contains(nosuch, 'x')", "nosuch")]
    public void TryParse_UnknownColumn_IsRejected(string text, string column)
        => Assert.StartsWith($"'{column}' is not a column of 'bookableresourcebooking' (columns: id, name, starttime", Assert.Single(FilterErrors("bookableresourcebooking", text)), StringComparison.Ordinal);

    [Theory]
    [InlineData("priority eq 'high'", "'priority' is a choice column (options 1 (Low), 2 (Normal), 3 (High), 4 (Urgent)) and cannot be compared with the text 'high'")]
    [InlineData("starttime gt 5", "'starttime' is a datetime column and cannot be compared with the number 5")]
    [InlineData("5 lt starttime", "'starttime' is a datetime column and cannot be compared with the number 5")]
    [InlineData("name eq 5", "'name' is a text column and cannot be compared with the number 5")]
    [InlineData("serviceaccount eq 1", "'serviceaccount' is a lookup column (the id of a account, as text) and cannot be compared with the number 1")]
    [InlineData("totalamount gt 'x'", "'totalamount' is a number column and cannot be compared with the text 'x'")]
    [InlineData("priority eq 1.5", "'priority' is a choice column (options 1 (Low), 2 (Normal), 3 (High), 4 (Urgent)) and cannot be compared with the number 1.5")]
    [InlineData("starttime eq true", "'starttime' is a datetime column and cannot be compared with true")]
    [InlineData("name eq 2026-01-01", "'name' is a text column and cannot be compared with the date 2026-01-01")]
    public void TryParse_LiteralOfWrongType_IsRejectedNamingTheColumn(string text, string message)
        => Assert.Equal(message, Assert.Single(FilterErrors("workorder", text)));

    [Theory]
    [InlineData("priority eq @currentUser")]
    [InlineData("starttime gt name")]
    [InlineData("priority in ('a')")]
    public void TryParse_OtherTypeMismatch_IsRejectedByOData(string text)
        => Assert.StartsWith("not a valid row filter for 'workorder': ", Assert.Single(FilterErrors("workorder", text)), StringComparison.Ordinal);

    [Theory]
    [InlineData("priority eq 7", "7")]
    [InlineData("priority ge 0", "0")]
    [InlineData("7 eq priority", "7")]
    [InlineData("priority in (1, 9)", "9")]
    public void TryParse_ChoiceValueNotAnOption_IsRejected(string text, string value)
        => Assert.Equal($"{value} is not an option of choice column 'priority'; its options are 1 (Low), 2 (Normal), 3 (High), 4 (Urgent)",
            Assert.Single(FilterErrors("workorder", text)));

    [Fact]
    public void TryParse_UnknownParameter_IsRejected()
        => Assert.Equal("unknown parameter '@me'; the parameters are @currentUser, @currentResource, @today",
            Assert.Single(FilterErrors("bookableresourcebooking", "resource eq @me")));

    [Theory]
    [InlineData("resource eq", "not a valid OData $filter: ")]
    [InlineData("resource eq 'x' and", "not a valid OData $filter: ")]
    [InlineData("name", "not a valid row filter for 'bookableresourcebooking': ")]
    [InlineData("", "the filter is empty")]
    [InlineData("   ", "the filter is empty")]
    public void TryParse_Malformed_IsRejected(string text, string message)
        => Assert.StartsWith(message, Assert.Single(FilterErrors("bookableresourcebooking", text)), StringComparison.Ordinal);

    [Fact]
    public void TryParse_TooLong_IsRejected()
    {
        var text = string.Join(" or ", Enumerable.Repeat("name eq 'x'", 400));
        Assert.Equal($"the filter is {text.Length} characters; at most 4000 are allowed", Assert.Single(FilterErrors("bookableresourcebooking", text)));
    }

    [Fact]
    public void TryParse_SeveralProblems_ReportsEach()
    {
        var errors = FilterErrors("bookableresourcebooking", "year(starttime) eq 1 and duration add 1 gt 2 and workorder/name eq 'x' and nosuch eq 1");
        Assert.Equal(4, errors.Count);
    }

    [Theory]
    [InlineData("name eq 'it''s'")]
    [InlineData("name eq null and null ne name")]
    [InlineData("duration eq 5000000000")]
    [InlineData("starttime ge 2026-01-01T00:00:00.123+05:30")]
    [InlineData("endtime ge @today and starttime lt now()")]
    [InlineData("resource in ('a', 'b') and not (bookingstatus eq 'x')")]
    [InlineData("$it/name eq 'x'")]
    public void TryParse_SupportedLanguage_IsAccepted(string text)
        => Filter("bookableresourcebooking", text);
}
