using FieldSync.Core.Online;
using FieldSync.Core.Records;
using static FieldSync.Core.Tests.Profiles.ProfileTestData;

namespace FieldSync.Core.Tests.Online;

/// <summary>Continuations of online pages are opaque, bound to their query and caller, and refused when edited.</summary>
public class OnlineContinuationTests
{
    private static OnlineQuery Query(string filter, string? orderBy = null)
    {
        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["$filter"] = [filter] };
        if (orderBy is not null)
        {
            parameters["$orderby"] = [orderBy];
        }
        var errors = new List<FieldError>();
        return OnlineQueryParser.Parse(Catalog.Tables["workorder"], Catalog, parameters, errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
    }

    [Fact]
    public void Decode_TheSameQueryAndCaller_GivesThePositionBack()
    {
        var query = Query("name eq 'x'");
        var token = OnlineContinuation.Encode(query.Binding("user-1"), query.Plan, "wo-0042");
        Assert.Equal("wo-0042", OnlineContinuation.Decode(token, query.Binding("user-1"), query.Plan));
        Assert.DoesNotContain("wo-0042", token, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_AnotherQueryOrCaller_IsRefused()
    {
        var query = Query("name eq 'x'");
        var token = OnlineContinuation.Encode(query.Binding("user-1"), query.Plan, "wo-0042");
        Assert.Null(OnlineContinuation.Decode(token, query.Binding("user-2"), query.Plan));
        var other = Query("name eq 'y'");
        Assert.Null(OnlineContinuation.Decode(token, other.Binding("user-1"), other.Plan));
    }

    [Fact]
    public void Decode_ATokenOfAnotherPlan_IsRefused()
    {
        var scan = Query("name eq 'x'");
        var index = Query("serviceaccount eq 'a'");
        var token = OnlineContinuation.Encode(index.Binding("user-1"), index.Plan, LookupIndex.RowKey("serviceaccount", "a", "wo-1"));
        Assert.Null(OnlineContinuation.Decode(token, index.Binding("user-1"), scan.Plan));
        Assert.NotNull(OnlineContinuation.Decode(token, index.Binding("user-1"), index.Plan));
    }

    [Fact]
    public void Decode_EditedOrGarbage_IsRefused()
    {
        var query = Query("name eq 'x'");
        var binding = query.Binding("user-1");
        var token = OnlineContinuation.Encode(binding, query.Plan, "wo-0042");
        var edited = (token[5] == 'A' ? "B" : "A") + token[1..];
        foreach (var bad in new[] { edited, token[..^2], token + "AA", "", "!!", "a b", new string('A', 5000), "bzE=" })
        {
            Assert.Null(OnlineContinuation.Decode(bad, binding, query.Plan));
        }
    }

    [Fact]
    public void Decode_IndexPositionOfAnotherColumn_IsRefused()
    {
        var query = Query("serviceaccount eq 'a'");
        var binding = query.Binding("user-1");
        // A position for another column's entries, even with a correct hash, is not a key of this plan's range.
        var token = OnlineContinuation.Encode(binding, query.Plan, LookupIndex.RowKey("billingaccount", "a", "wo-1"));
        Assert.Null(OnlineContinuation.Decode(token, binding, query.Plan));
    }
}
