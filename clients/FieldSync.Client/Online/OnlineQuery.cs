using System.Globalization;
using System.Text;

namespace FieldSync.Client.Online;

/// <summary>
/// The parameters of <c>GET /api/online/{table}</c> (docs/sync-protocol.md, "Online mode"): an OData <c>$filter</c>
/// in the profile filters' language, <c>$select</c>, <c>$orderby</c> (id or an indexed column), <c>$top</c>, and the
/// previous page's continuation (send it with the same other parameters).
/// </summary>
public sealed record OnlineQuery
{
    public string? Filter { get; init; }

    public IReadOnlyList<string>? Select { get; init; }

    public string? OrderBy { get; init; }

    /// <summary>Rows per page (the server's default is 50, its pages at most 1,000).</summary>
    public int? Top { get; init; }

    public string? Continuation { get; init; }

    /// <summary>The query string, starting with <c>?</c> (empty when nothing is set).</summary>
    internal string ToQueryString()
    {
        var parts = new List<string>();
        Add(parts, "$filter", Filter);
        Add(parts, "$select", Select is { Count: > 0 } ? string.Join(',', Select) : null);
        Add(parts, "$orderby", OrderBy);
        Add(parts, "$top", Top?.ToString(CultureInfo.InvariantCulture));
        Add(parts, "continuation", Continuation);
        return parts.Count == 0 ? "" : new StringBuilder("?").AppendJoin('&', parts).ToString();
    }

    private static void Add(List<string> parts, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parts.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }
}
