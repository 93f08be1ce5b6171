using System.Globalization;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;

namespace FieldSync.Core.Online;

/// <summary>
/// Reads the query string of an online query: <c>$filter</c> with the profile filters' OData parser (Microsoft.OData.Core
/// over the schema's EDM model, so a syntax error names its position and a type error its column), <c>$select</c> columns
/// of the table, <c>$orderby</c> by a key the storage serves in order, <c>$top</c>, and the continuation. Every problem is
/// reported, each with the parameter it is about.
/// </summary>
public static class OnlineQueryParser
{
    public const string FilterParameter = "$filter";
    public const string SelectParameter = "$select";
    public const string OrderByParameter = "$orderby";
    public const string TopParameter = "$top";
    public const string ContinuationParameter = "continuation";

    /// <summary>The system fields every row carries, which <c>$select</c> may name but never leaves out.</summary>
    public static readonly IReadOnlySet<string> SystemFields = new HashSet<string>(StringComparer.Ordinal) { "id", "version", "modifiedOn", "modifiedBy" };

    private static readonly string[] QueryParameters = [FilterParameter, SelectParameter, OrderByParameter, TopParameter, ContinuationParameter];

    /// <summary>The query, or null with every problem in <paramref name="errors"/>.</summary>
    public static OnlineQuery? Parse(TableSchema table, SchemaCatalog schema, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters, List<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(parameters);
        var before = errors.Count;
        foreach (var (name, values) in parameters)
        {
            if (!QueryParameters.Contains(name, StringComparer.Ordinal))
            {
                errors.Add(new FieldError(name, $"'{name}' is not a parameter of an online query; use {string.Join(", ", QueryParameters)}"));
            }
            else if (values.Count != 1)
            {
                errors.Add(new FieldError(name, $"'{name}' is given {values.Count} times; give it once"));
            }
        }
        string? Single(string name) => parameters.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

        RowFilter? filter = null;
        if (Single(FilterParameter) is { } filterText)
        {
            if (RowFilter.TryParse(filterText, table.Name, schema, out var compiled, out var filterErrors))
            {
                filter = compiled;
            }
            errors.AddRange(filterErrors.Select(e => new FieldError(FilterParameter, e)));
        }
        var select = Single(SelectParameter) is { } selectText ? ReadSelect(table, selectText, errors) : null;
        var orderBy = Single(OrderByParameter) is { } orderText ? ReadOrderBy(table, orderText, errors) : null;
        var top = OnlineLimits.DefaultTop;
        if (Single(TopParameter) is { } topText)
        {
            if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1)
            {
                errors.Add(new FieldError(TopParameter, $"$top must be a whole number from 1 (pages hold at most {OnlineLimits.MaxTop} rows)"));
            }
            // Larger is allowed and served in pages of the cap: server-driven paging, as OData describes it.
            top = Math.Clamp(top, 1, OnlineLimits.MaxTop);
        }
        var continuation = Single(ContinuationParameter);
        if (continuation is not null && (continuation.Length is 0 or > OnlineLimits.MaxContinuationLength))
        {
            errors.Add(new FieldError(ContinuationParameter, "the continuation is not one this query returned; send the one from the previous page, unchanged"));
        }
        if (errors.Count > before)
        {
            return null;
        }
        var plan = OnlinePlanner.Plan(table, schema, filter, orderBy, errors);
        return plan is null ? null : new OnlineQuery(table.Name, filter, select, orderBy, top, continuation, plan);
    }

    /// <summary>The <c>$select</c> of a single-record read: the same columns rule, no other parameter.</summary>
    public static IReadOnlyList<string>? ParseSelectOnly(TableSchema table, IReadOnlyDictionary<string, IReadOnlyList<string>> parameters, List<FieldError> errors)
    {
        foreach (var (name, values) in parameters)
        {
            if (name != SelectParameter)
            {
                errors.Add(new FieldError(name, $"'{name}' is not a parameter of an online record read; use {SelectParameter}"));
            }
            else if (values.Count != 1)
            {
                errors.Add(new FieldError(name, $"'{name}' is given {values.Count} times; give it once"));
            }
        }
        return parameters.TryGetValue(SelectParameter, out var select) && select.Count == 1 ? ReadSelect(table, select[0], errors) : null;
    }

    private static List<string>? ReadSelect(TableSchema table, string text, List<FieldError> errors)
    {
        var columns = new List<string>();
        foreach (var item in text.Split(','))
        {
            var name = item.Trim();
            if (name.Length == 0)
            {
                errors.Add(new FieldError(SelectParameter, "$select is a comma-separated list of column names, with none empty"));
            }
            else if (!table.Columns.ContainsKey(name) && !SystemFields.Contains(name))
            {
                errors.Add(new FieldError(SelectParameter, $"'{Show(name)}' is not a column of '{table.Name}' (columns: {string.Join(", ", SystemFields.Concat(table.Columns.Keys))})"));
            }
            else if (!columns.Contains(name, StringComparer.Ordinal))
            {
                columns.Add(name);
            }
        }
        return columns;
    }

    private static string? ReadOrderBy(TableSchema table, string text, List<FieldError> errors)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (text.Contains(',', StringComparison.Ordinal) || parts.Length is 0 or > 2 || (parts.Length == 2 && parts[1] is not ("asc" or "desc")))
        {
            errors.Add(new FieldError(OrderByParameter, "$orderby takes one column, optionally followed by asc: id or an indexed column"));
            return null;
        }
        var name = parts[0];
        var indexed = table.IndexedColumns.Select(c => c.Name).ToList();
        if (parts.Length == 2 && parts[1] == "desc")
        {
            errors.Add(new FieldError(OrderByParameter, "descending order is not served: Azure Tables returns keys in ascending order only; use asc (the default)"));
            return null;
        }
        if (name == "id" || indexed.Contains(name, StringComparer.Ordinal))
        {
            return name;
        }
        var known = table.Columns.ContainsKey(name) ? $"'{name}' has no index" : $"'{Show(name)}' is not a column of '{table.Name}'";
        errors.Add(new FieldError(OrderByParameter,
            $"{known}: Azure Tables serves rows in key order only, so $orderby takes id or an indexed column ({string.Join(", ", indexed.Prepend("id"))})"));
        return null;
    }

    /// <summary>Caller text in a message, cut short: the message must stay readable whatever was sent.</summary>
    private static string Show(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 61), "...");
}
