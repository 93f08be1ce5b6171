using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace FieldSync.Core.Online;

/// <summary>
/// Chooses how an online query reads storage. Azure Tables serves key ranges cheaply and everything else by reading rows,
/// so: a conjunct <c>id eq '...'</c> is a point read; a conjunct on an indexed column (<c>eq</c>, or a range of a date or
/// time column) is a key range of the lookup index; anything else is a scan of the table's rows. Only top-level AND-conjuncts
/// count (under <c>or</c> or <c>not</c> a condition does not hold for every match). The keys only narrow the candidates: the
/// whole filter is still evaluated on every row read, so the plan can never change which rows match.
/// </summary>
internal static class OnlinePlanner
{
    /// <summary>ODL types a parameter alias by a value given for it; these give each parameter its type (as FilterCompiler does).</summary>
    private static readonly Dictionary<string, string> AliasPlaceholders = new(StringComparer.Ordinal)
    {
        ["@currentUser"] = "'user'",
        ["@currentResource"] = "'resource'",
        ["@today"] = "2000-01-01",
    };

    /// <summary>
    /// The plan for <paramref name="filter"/> (already compiled, so valid) and <paramref name="orderBy"/> (<c>id</c>, an indexed
    /// column, or null); null with a message in <paramref name="errors"/> when the order cannot be served by a key.
    /// </summary>
    public static OnlinePlan? Plan(TableSchema table, SchemaCatalog schema, RowFilter? filter, string? orderBy, List<FieldError> errors)
    {
        var conditions = filter is null ? [] : KeyConditions(filter.Text, table, schema);
        if (conditions.FirstOrDefault(c => c.Column == "id" && c.Operator == BinaryOperatorKind.Equal) is { } id)
        {
            // One row at most, so any order is served.
            return OnlinePlan.PointRead(context => id.Value(context) as string);
        }
        var indexed = conditions.Where(c => c.Column != "id").ToList();
        if (orderBy is null or "id")
        {
            // Entries of one value are in id order, so an equality serves both orders; a range is in value order, which
            // $orderby=id cannot take.
            if (indexed.FirstOrDefault(c => c.Operator == BinaryOperatorKind.Equal) is { } equal)
            {
                return Exact(equal);
            }
            if (orderBy is null && indexed.FirstOrDefault(c => IsRange(c.Operator)) is { } range)
            {
                return Range(table, range.Column, indexed);
            }
            return OnlinePlan.Scan;
        }
        if (indexed.FirstOrDefault(c => c.Column == orderBy && c.Operator == BinaryOperatorKind.Equal) is { } sameValue)
        {
            return Exact(sameValue);
        }
        if (indexed.Any(c => c.Column == orderBy && IsRange(c.Operator)))
        {
            return Range(table, orderBy, indexed);
        }
        errors.Add(new FieldError("$orderby",
            $"$orderby={orderBy} needs a $filter condition on {orderBy} (eq, or for a date or time gt, ge, lt or le, with a value): rows are served "
            + $"in {orderBy} order from its index, which holds only rows that have a value; without one, order by id."));
        return null;
    }

    private static bool IsRange(BinaryOperatorKind kind)
        => kind is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual;

    private static OnlinePlan Exact(KeyCondition condition)
        => OnlinePlan.IndexRange(condition.Column, context => LookupIndex.ValueKey(condition.Value(context)) is { } key ? (key, key) : null);

    /// <summary>
    /// Every bound on <paramref name="column"/>, each as an inclusive key (the exact comparison is the filter's, on the row):
    /// the highest lower bound and the lowest upper bound; an open side is the type's extreme value.
    /// </summary>
    private static OnlinePlan Range(TableSchema table, string column, List<KeyCondition> conditions)
    {
        var type = table.Columns[column].Type;
        var bounds = conditions.Where(c => c.Column == column && IsRange(c.Operator)).ToList();
        var (min, max) = type == ColumnType.Date
            ? (LookupIndex.ValueKey(DateOnly.MinValue)!, LookupIndex.ValueKey(DateOnly.MaxValue)!)
            : (LookupIndex.ValueKey(DateTimeOffset.MinValue)!, LookupIndex.ValueKey(DateTimeOffset.MaxValue)!);
        return OnlinePlan.IndexRange(column, context =>
        {
            var (low, high) = (min, max);
            foreach (var bound in bounds)
            {
                if (LookupIndex.ValueKey(bound.Value(context)) is not { } key)
                {
                    return null; // an ordering comparison with no value is never true
                }
                if (bound.Operator is BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual)
                {
                    low = string.CompareOrdinal(key, low) > 0 ? key : low;
                }
                else
                {
                    high = string.CompareOrdinal(key, high) < 0 ? key : high;
                }
            }
            return string.CompareOrdinal(low, high) <= 0 ? (low, high) : null;
        });
    }

    /// <summary>The top-level conjuncts of the filter that compare a key column with a value known before any row is read.</summary>
    private static List<KeyCondition> KeyConditions(string text, TableSchema table, SchemaCatalog schema)
    {
        var model = FilterModel.For(schema);
        var (type, set) = model.Table(table.Name);
        var options = new Dictionary<string, string>(AliasPlaceholders, StringComparer.Ordinal) { ["$filter"] = text };
        var clause = new ODataQueryOptionParser(model.Model, type, set, options).ParseFilter();
        var conditions = new List<KeyCondition>();
        foreach (var conjunct in Conjuncts(clause.Expression))
        {
            if (conjunct is not BinaryOperatorNode comparison || !IsComparison(comparison.OperatorKind))
            {
                continue;
            }
            if (Condition(table, comparison.Left, comparison.Right, comparison.OperatorKind) is { } left)
            {
                conditions.Add(left);
            }
            else if (Condition(table, comparison.Right, comparison.Left, Mirror(comparison.OperatorKind)) is { } right)
            {
                conditions.Add(right);
            }
        }
        return conditions;
    }

    private static KeyCondition? Condition(TableSchema table, SingleValueNode columnSide, SingleValueNode valueSide, BinaryOperatorKind kind)
    {
        if (Strip(columnSide) is not SingleValuePropertyAccessNode property || ValueOf(Strip(valueSide)) is not { } value)
        {
            return null;
        }
        var name = property.Property.Name;
        if (name == "id")
        {
            return kind == BinaryOperatorKind.Equal ? new KeyCondition(name, kind, context => value(context) as string) : null;
        }
        if (!table.TryGetColumn(name, out var column) || !column.Indexed)
        {
            return null;
        }
        var isTime = column.Type is ColumnType.Date or ColumnType.DateTime;
        if (kind != BinaryOperatorKind.Equal && !(isTime && IsRange(kind)))
        {
            return null; // ne, or a text range: no key range serves it exactly enough to be worth it
        }
        return new KeyCondition(name, kind, context => InColumnType(column.Type, value(context)));
    }

    /// <summary>A literal, parameter or <c>now()</c>, as a function of the caller and the moment; null for anything that depends on the row.</summary>
    private static Func<FilterContext, object?>? ValueOf(SingleValueNode node) => node switch
    {
        ConstantNode { Value: null } => null, // eq null: rows without a value have no index entry
        ConstantNode constant => Constant(Normalize(constant.Value)),
        ParameterAliasNode { Alias: "@currentUser" } => context => context.UserId,
        ParameterAliasNode { Alias: "@currentResource" } => context => context.ResourceId,
        ParameterAliasNode { Alias: "@today" } => context => context.Today,
        SingleValueFunctionCallNode { Name: "now" } => context => context.Now.ToUniversalTime(),
        _ => null,
    };

    private static Func<FilterContext, object?> Constant(object? literal) => _ => literal;

    /// <summary>The value as the column's index keys it: a date where a time is compared means 00:00Z; a time where a date is, its UTC date.</summary>
    private static object? InColumnType(ColumnType type, object? value) => (type, value) switch
    {
        (ColumnType.DateTime, DateOnly date) => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
        (ColumnType.DateTime, DateTimeOffset time) => time.ToUniversalTime(),
        (ColumnType.Date, DateTimeOffset time) => DateOnly.FromDateTime(time.UtcDateTime),
        (ColumnType.Date, DateOnly date) => date,
        (ColumnType.String or ColumnType.Lookup, string text) => text,
        _ => null,
    };

    private static object? Normalize(object? value)
    {
#pragma warning disable CS0618 // ODL 8 types date literals as its own (obsolete) Date struct.
        if (value is Date date)
        {
            return new DateOnly(date.Year, date.Month, date.Day);
        }
#pragma warning restore CS0618
        return value is DateTimeOffset time ? time.ToUniversalTime() : value;
    }

    private static IEnumerable<SingleValueNode> Conjuncts(SingleValueNode node)
        => node is BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } and ? Conjuncts(and.Left).Concat(Conjuncts(and.Right)) : [node];

    private static SingleValueNode Strip(SingleValueNode node)
    {
        while (node is ConvertNode convert)
        {
            node = convert.Source;
        }
        return node;
    }

    private static bool IsComparison(BinaryOperatorKind kind) => kind == BinaryOperatorKind.Equal || IsRange(kind);

    /// <summary>The operator with its sides swapped: <c>5 lt x</c> is <c>x gt 5</c>.</summary>
    private static BinaryOperatorKind Mirror(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.GreaterThan => BinaryOperatorKind.LessThan,
        BinaryOperatorKind.GreaterThanOrEqual => BinaryOperatorKind.LessThanOrEqual,
        BinaryOperatorKind.LessThan => BinaryOperatorKind.GreaterThan,
        BinaryOperatorKind.LessThanOrEqual => BinaryOperatorKind.GreaterThanOrEqual,
        _ => kind,
    };
}
