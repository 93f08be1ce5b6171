using FieldSync.Core.Profiles;

namespace FieldSync.Core.Online;

/// <summary>A parsed and checked online query of one table (<c>GET /api/online/{table}</c>).</summary>
/// <param name="Filter">The compiled <c>$filter</c> (the profile filters' parser and evaluator); null reads every row.</param>
/// <param name="Select">The columns <c>$select</c> names; null returns every column. System fields are always returned.</param>
/// <param name="OrderBy"><c>id</c>, an indexed column, or null (the plan's key order).</param>
/// <param name="Top">Rows per page, 1 to <see cref="OnlineLimits.MaxTop"/>.</param>
/// <param name="Continuation">The continuation of the previous page, as sent.</param>
/// <param name="Plan">How the rows are read.</param>
public sealed record OnlineQuery(
    string Table,
    RowFilter? Filter,
    IReadOnlyList<string>? Select,
    string? OrderBy,
    int Top,
    string? Continuation,
    OnlinePlan Plan)
{
    /// <summary>
    /// What a continuation is bound to: the table, the query (everything but <c>$top</c>, which may change between pages)
    /// and the caller. A continuation of another query or caller is refused rather than read in a meaning it was not made for.
    /// </summary>
    public string Binding(string userId)
        => string.Join('\n', Table, Filter?.Text ?? "", Select is null ? "*" : string.Join(',', Select), OrderBy ?? "", userId);
}
