using System.Diagnostics.CodeAnalysis;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;

namespace FieldSync.Core.Profiles;

/// <summary>The values a row filter can refer to by name; they differ per user and per day.</summary>
public enum FilterParameter
{
    /// <summary><c>@currentUser</c>: the signed-in technician's user id.</summary>
    CurrentUser,
    /// <summary><c>@currentResource</c>: the technician's bookable resource id (none when the user is not a resource).</summary>
    CurrentResource,
    /// <summary><c>@today</c>: today's UTC date.</summary>
    Today,
}

/// <summary>
/// A comparison of a date or time column with <c>@today</c> (<paramref name="UsesNow"/> false: moves at midnight UTC) or
/// <c>now()</c> (moves continuously). Whatever the operator, the comparison's result for a row can change between two
/// moments only if the row's value lies between the moving side's values at those moments, both included.
/// </summary>
public sealed record TimeComparison(string Column, bool UsesNow);

/// <summary>Who a filter is evaluated for, and when.</summary>
/// <param name="UserId">The technician's user id (<c>@currentUser</c>).</param>
/// <param name="ResourceId">
/// The technician's bookable resource id (<c>@currentResource</c>); null when the user has none, and then every
/// comparison with <c>@currentResource</c> is unknown, so it selects no row.
/// </param>
/// <param name="Now">The evaluation time (<c>now()</c>); <see cref="Today"/> is its UTC date.</param>
public sealed record FilterContext(string UserId, string? ResourceId, DateTimeOffset Now)
{
    /// <summary><c>@today</c>: the UTC date of <see cref="Now"/>.</summary>
    public DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);
}

/// <summary>
/// A compiled OData <c>$filter</c> over one table's own columns: parsed and type-checked once by Microsoft.OData.Core
/// against the schema, then evaluated per row without re-parsing. Null semantics follow OData: <c>x eq null</c> is
/// true when x has no value, ordering comparisons with null are false, <c>ne</c> is true when exactly one side is
/// null. String comparisons are ordinal.
/// </summary>
public sealed class RowFilter
{
    /// <summary>The parameter names a filter may use, as written in the filter.</summary>
    public static readonly IReadOnlyDictionary<string, FilterParameter> ParameterNames = new Dictionary<string, FilterParameter>(StringComparer.Ordinal)
    {
        ["@currentUser"] = FilterParameter.CurrentUser,
        ["@currentResource"] = FilterParameter.CurrentResource,
        ["@today"] = FilterParameter.Today,
    }.AsReadOnly();

    private readonly Func<Record, FilterContext, bool?> _condition;

    internal RowFilter(
        string text,
        string table,
        Func<Record, FilterContext, bool?> condition,
        IReadOnlySet<string> columns,
        IReadOnlySet<FilterParameter> parameters,
        bool usesNow,
        (string Column, FilterParameter Parameter)? parameterEquality,
        IReadOnlyList<TimeComparison> timeComparisons,
        bool timeOnlyComparedWithColumns)
    {
        TimeComparisons = timeComparisons;
        TimeOnlyComparedWithColumns = timeOnlyComparedWithColumns;
        Text = text;
        Table = table;
        _condition = condition;
        Columns = columns;
        Parameters = parameters;
        UsesNow = usesNow;
        IsTimeRelative = usesNow || parameters.Contains(FilterParameter.Today);
        UsesUserParameters = parameters.Contains(FilterParameter.CurrentUser) || parameters.Contains(FilterParameter.CurrentResource);
        ParameterEquality = parameterEquality;
    }

    /// <summary>The filter as written.</summary>
    public string Text { get; }

    /// <summary>The table whose rows it filters.</summary>
    public string Table { get; }

    /// <summary>The columns the filter reads (<c>id</c> included when used): a change to any other column cannot change the result.</summary>
    public IReadOnlySet<string> Columns { get; }

    /// <summary>The parameters the filter uses.</summary>
    public IReadOnlySet<FilterParameter> Parameters { get; }

    /// <summary>
    /// Uses <c>@today</c> or <c>now()</c>: the result can change with time alone, with no row changing, so the
    /// server must re-evaluate carried rows on every sync (a booking that ended yesterday leaves the device).
    /// </summary>
    public bool IsTimeRelative { get; }

    /// <summary>The comparisons of a column with <c>@today</c> or <c>now()</c>, each once.</summary>
    public IReadOnlyList<TimeComparison> TimeComparisons { get; }

    /// <summary>
    /// Every use of <c>@today</c> and <c>now()</c> is one of <see cref="TimeComparisons"/>. Then a row's result can change
    /// with time only when the moving value crosses the row's value of such a column, so the rows whose value lies
    /// between the last evaluation's time and now are all that need evaluating again. Otherwise (a time compared with a
    /// literal, say) the result may change for every row at once.
    /// </summary>
    public bool TimeOnlyComparedWithColumns { get; }

    /// <summary>Uses <c>now()</c>, which moves continuously (<c>@today</c> moves at midnight UTC only).</summary>
    public bool UsesNow { get; }

    /// <summary>Uses <c>@currentUser</c> or <c>@currentResource</c>: the result differs per user.</summary>
    public bool UsesUserParameters { get; }

    /// <summary>
    /// A top-level AND-conjunct <c>column eq @currentUser</c> or <c>column eq @currentResource</c> (either side):
    /// every matching row has that column equal to the user's value, so the server can find candidate rows with an
    /// index on the column instead of scanning the table. Null when there is none (also under <c>or</c> or <c>not</c>,
    /// where the equality does not hold for every match).
    /// </summary>
    public (string Column, FilterParameter Parameter)? ParameterEquality { get; }

    /// <summary>True when <paramref name="record"/> matches. Tombstones are not special here: callers decide about deleted rows.</summary>
    public bool Evaluate(Record record, FilterContext context)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(context);
        if (!string.Equals(record.Table, Table, StringComparison.Ordinal))
        {
            throw new ArgumentException($"This filter is for '{Table}' rows, not '{record.Table}' rows.", nameof(record));
        }
        // Unknown (null) is not a match: OData keeps only rows where the filter is true.
        return _condition(record, context) == true;
    }

    /// <summary>Parses and compiles a filter for <paramref name="table"/>; on failure <paramref name="errors"/> lists every problem found.</summary>
    public static bool TryParse(
        string text,
        string table,
        SchemaCatalog schema,
        [NotNullWhen(true)] out RowFilter? filter,
        out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(schema);
        if (!schema.TryGetTable(table, out var tableSchema))
        {
            throw new ArgumentException($"'{table}' is not a table of the schema.", nameof(table));
        }
        var found = new List<string>();
        filter = FilterCompiler.Compile(text, tableSchema, schema, found);
        errors = found;
        return filter is not null;
    }

    public override string ToString() => Text;
}
