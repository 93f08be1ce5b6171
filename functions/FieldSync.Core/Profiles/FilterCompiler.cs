using System.Globalization;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace FieldSync.Core.Profiles;

/// <summary>
/// Turns filter text into a <see cref="RowFilter"/> in three steps, all on Microsoft.OData.Core's trees:
/// 1. ODL's syntactic parser, then a walk of its token tree that rejects what a row filter may not do (related
///    tables, any/all, arithmetic, other functions, unknown columns, a column compared with a literal of the wrong
///    kind) with messages that name the column or construct.
/// 2. ODL's semantic binder over the schema's EDM model, which types every node and inserts the promotions.
/// 3. A walk of the typed tree that checks choice literals and parameter names and builds the evaluator.
/// </summary>
internal sealed class FilterCompiler
{
    public const int MaxLength = 4000;
    private const int MaxDepth = 100;

    private static readonly string[] SupportedFunctions = ["contains", "startswith", "endswith", "tolower", "toupper", "now"];

    /// <summary>
    /// ODL types a parameter alias by the value supplied for it, and keeps a typed <see cref="ParameterAliasNode"/> in
    /// the tree. These placeholders give each parameter its type (string, string, date); the values themselves are
    /// never used: the evaluator reads the real ones from the <see cref="FilterContext"/>.
    /// </summary>
    private static readonly Dictionary<string, string> AliasPlaceholders = new(StringComparer.Ordinal)
    {
        ["@currentUser"] = "'user'",
        ["@currentResource"] = "'resource'",
        ["@today"] = "2000-01-01",
    };

    /// <summary>A parameter with no value for this evaluation (@currentResource for a user who is no resource).</summary>
    private static readonly object Unknown = new();

    private static readonly ColumnSchema IdColumn = new("id", ColumnType.String, "Id", true, RecordIds.MaxLength, null, []);

    private readonly TableSchema _table;
    private readonly List<string> _errors;
    private readonly HashSet<string> _columns = new(StringComparer.Ordinal);
    private readonly HashSet<FilterParameter> _parameters = [];
    private bool _usesNow;
    /// <summary>How often <c>@today</c> or <c>now()</c> appears, and those of its uses that compare it with a column directly.</summary>
    private int _timeUses;
    private readonly List<TimeComparison> _timeComparisons = [];

    private FilterCompiler(TableSchema table, List<string> errors)
    {
        _table = table;
        _errors = errors;
    }

    /// <summary>The compiled filter, or null with the problems added to <paramref name="errors"/>.</summary>
    public static RowFilter? Compile(string text, TableSchema table, SchemaCatalog schema, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add("the filter is empty");
            return null;
        }
        if (text.Length > MaxLength)
        {
            errors.Add($"the filter is {text.Length} characters; at most {MaxLength} are allowed");
            return null;
        }
        var before = errors.Count;
        var compiler = new FilterCompiler(table, errors);

        QueryToken syntax;
        try
        {
            syntax = new UriQueryExpressionParser(MaxDepth).ParseFilter(text);
        }
        catch (Exception ex) when (IsParseFailure(ex))
        {
            errors.Add($"not a valid OData $filter: {ex.Message}");
            return null;
        }
        compiler.CheckSyntax(syntax);
        if (errors.Count > before)
        {
            return null;
        }

        FilterClause clause;
        try
        {
            var model = FilterModel.For(schema);
            var (type, set) = model.Table(table.Name);
            var options = new Dictionary<string, string>(AliasPlaceholders, StringComparer.Ordinal) { ["$filter"] = text };
            clause = new ODataQueryOptionParser(model.Model, type, set, options).ParseFilter();
        }
        catch (Exception ex) when (IsParseFailure(ex))
        {
            errors.Add($"not a valid row filter for '{table.Name}': {ex.Message}");
            return null;
        }

        var condition = compiler.CompileCondition(clause.Expression);
        if (errors.Count > before)
        {
            return null;
        }
        return new RowFilter(
            text,
            table.Name,
            condition,
            compiler._columns,
            compiler._parameters,
            compiler._usesNow,
            FindParameterEquality(clause.Expression),
            compiler._timeComparisons.Distinct().ToList(),
            compiler._timeUses == compiler._timeComparisons.Count);
    }

    private static bool IsParseFailure(Exception ex)
        => ex is ODataException or OverflowException or FormatException or ArgumentException;

    // ---- Step 1: the syntax tree --------------------------------------------------------------------------------

    private void CheckSyntax(QueryToken token)
    {
        switch (token)
        {
            case BinaryOperatorToken binary:
                if (IsArithmetic(binary.OperatorKind))
                {
                    _errors.Add($"arithmetic ('{Keyword(binary.OperatorKind)}') is not supported in a row filter; compare columns with values directly");
                }
                else if (binary.OperatorKind == BinaryOperatorKind.Has)
                {
                    _errors.Add("the 'has' operator is not supported in a row filter");
                }
                else if (IsComparison(binary.OperatorKind))
                {
                    CheckLiteralComparison(binary.Left, binary.Right);
                }
                CheckSyntax(binary.Left);
                CheckSyntax(binary.Right);
                break;
            case UnaryOperatorToken unary:
                if (unary.OperatorKind == UnaryOperatorKind.Negate)
                {
                    _errors.Add("arithmetic (negation '-') is not supported in a row filter; compare columns with values directly");
                }
                CheckSyntax(unary.Operand);
                break;
            case EndPathToken path when path.NextToken is null or RangeVariableToken { Name: "$it" }:
                ColumnOf(path.Identifier);
                break;
            case EndPathToken or InnerPathToken:
                _errors.Add($"'{PathText(token)}' reads a related table: a row filter can read only the columns of '{_table.Name}'. "
                    + "To carry rows by their relation to another table, use download 'related' with relatedTo");
                break;
            case LambdaToken lambda:
                _errors.Add($"'{(lambda is AnyToken ? "any" : "all")}' is not supported: a row filter can read only the columns of '{_table.Name}'. "
                    + "To carry rows by their relation to another table, use download 'related' with relatedTo");
                break;
            case CountSegmentToken:
                _errors.Add($"'$count' of related rows is not supported: a row filter can read only the columns of '{_table.Name}'");
                break;
            case FunctionCallToken call:
                if (call.Source is not null || !SupportedFunctions.Contains(call.Name, StringComparer.Ordinal))
                {
                    _errors.Add($"the function '{call.Name}' is not supported; a row filter may use contains, startswith, endswith, tolower, toupper and now()");
                }
                foreach (var argument in call.Arguments)
                {
                    CheckSyntax(argument.ValueToken);
                }
                break;
            case InToken inToken:
                // The right side is the literal list, which ODL reads when binding.
                CheckSyntax(inToken.Left);
                break;
            case DottedIdentifierToken dotted:
                _errors.Add($"'{dotted.Identifier}': type names and enumeration values are not supported in a row filter");
                break;
            case LiteralToken:
                break;
            case { Kind: QueryTokenKind.FunctionParameterAlias }:
                // Parameter names are checked on the typed tree, where ODL exposes them.
                break;
            default:
                _errors.Add($"'{token.Kind}' expressions are not supported in a row filter");
                break;
        }
    }

    /// <summary>
    /// A column compared with a literal of the wrong kind (<c>priority eq 'high'</c>, <c>starttime gt 5</c>): ODL would
    /// reject it too, but in EDM terms and without naming the column; this message says what the column holds.
    /// </summary>
    private void CheckLiteralComparison(QueryToken left, QueryToken right)
    {
        var (path, literal) = (left, right) switch
        {
            (EndPathToken p, LiteralToken l) => (p, l),
            (LiteralToken l, EndPathToken p) => (p, l),
            _ => default,
        };
        if (path is null || path.NextToken is not (null or RangeVariableToken { Name: "$it" })
            || ColumnOf(path.Identifier, report: false) is not { } column || literal!.Value is null)
        {
            return;
        }
        var value = literal.Value;
        var fits = column.Type switch
        {
            ColumnType.String or ColumnType.Lookup => value is string,
            ColumnType.Integer or ColumnType.Decimal or ColumnType.Double => IsNumber(value),
            ColumnType.Choice => value is int or long,
            ColumnType.Boolean => value is bool,
            ColumnType.DateTime or ColumnType.Date => value is DateTimeOffset || TryGetDate(value, out _),
            _ => true,
        };
        if (!fits)
        {
            _errors.Add($"'{column.Name}' is {Describe(column)} and cannot be compared with {DescribeLiteral(value)}");
        }
    }

    private ColumnSchema? ColumnOf(string name, bool report = true)
    {
        if (name == "id")
        {
            return IdColumn;
        }
        if (_table.TryGetColumn(name, out var column))
        {
            return column;
        }
        if (report)
        {
            _errors.Add($"'{name}' is not a column of '{_table.Name}' (columns: id, {string.Join(", ", _table.Columns.Keys)})");
        }
        return null;
    }

    private static string PathText(QueryToken token)
    {
        var segments = new List<string>();
        for (var current = token; current is not null;)
        {
            switch (current)
            {
                case EndPathToken end:
                    segments.Add(end.Identifier);
                    current = end.NextToken;
                    break;
                case InnerPathToken inner:
                    segments.Add(inner.Identifier);
                    current = inner.NextToken;
                    break;
                default:
                    current = null;
                    break;
            }
        }
        segments.Reverse();
        return string.Join('/', segments);
    }

    // ---- Step 3: the typed tree, compiled ------------------------------------------------------------------------

    private Func<Record, FilterContext, bool?> CompileCondition(SingleValueNode node)
    {
        switch (node)
        {
            // C#'s & | ! on bool? are OData's three-valued logic: false and unknown is false, true or unknown is true,
            // not unknown is unknown. The right side is skipped when the left already decides.
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } and:
            {
                var left = CompileCondition(and.Left);
                var right = CompileCondition(and.Right);
                return (row, context) => left(row, context) is var l && l == false ? false : l & right(row, context);
            }
            case BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Or } or:
            {
                var left = CompileCondition(or.Left);
                var right = CompileCondition(or.Right);
                return (row, context) => left(row, context) is var l && l == true ? true : l | right(row, context);
            }
            case BinaryOperatorNode comparison when IsComparison(comparison.OperatorKind):
                return CompileComparison(comparison);
            case UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Not } not:
            {
                var operand = CompileCondition(not.Operand);
                return (row, context) => !operand(row, context);
            }
            case InNode inNode:
                return CompileIn(inNode);
            case SingleValueFunctionCallNode { Name: "contains" or "startswith" or "endswith" } call:
                return CompileStringTest(call);
            default:
                if (node.TypeReference?.IsBoolean() == true && !IsCondition(node))
                {
                    // A boolean column, constant or parameter used as a condition.
                    var value = CompileOperand(node);
                    return (row, context) => value(row, context) as bool?;
                }
                return Unsupported<bool?>(node);
        }
    }

    private static bool IsCondition(SingleValueNode node) => node switch
    {
        BinaryOperatorNode b => b.OperatorKind is BinaryOperatorKind.And or BinaryOperatorKind.Or || IsComparison(b.OperatorKind),
        UnaryOperatorNode { OperatorKind: UnaryOperatorKind.Not } => true,
        InNode => true,
        SingleValueFunctionCallNode { Name: "contains" or "startswith" or "endswith" } => true,
        _ => false,
    };

    private Func<Record, FilterContext, object?> CompileOperand(SingleValueNode node)
    {
        switch (node)
        {
            case ConstantNode constant:
            {
                var value = NormalizeConstant(constant.Value);
                return (_, _) => value;
            }
            case ConvertNode { Source: ConstantNode constant } convert:
            {
                // Promoted literals (a date compared with a datetime column) are converted once, here.
                var value = ConvertValue(NormalizeConstant(constant.Value), convert.TypeReference);
                return (_, _) => value;
            }
            case ConvertNode convert:
            {
                var source = CompileOperand(convert.Source);
                var target = convert.TypeReference;
                return (row, context) => ConvertValue(source(row, context), target);
            }
            case SingleValuePropertyAccessNode property:
                return CompileColumn(property);
            case ParameterAliasNode alias:
                return CompileParameter(alias);
            case SingleValueFunctionCallNode { Name: "now" }:
                _usesNow = true;
                _timeUses++;
                return (_, context) => context.Now.ToUniversalTime();
            case SingleValueFunctionCallNode { Name: "tolower" or "toupper" } call:
            {
                var argument = CompileOperand((SingleValueNode)call.Parameters.Single());
                var lower = call.Name == "tolower";
                return (row, context) => argument(row, context) switch
                {
                    string s => lower ? s.ToLowerInvariant() : s.ToUpperInvariant(),
                    var other => other, // null stays null, unknown stays unknown
                };
            }
            default:
                if (IsCondition(node))
                {
                    // A condition used as a value, e.g. contains(name, 'x') eq false.
                    var condition = CompileCondition(node);
                    return (row, context) => condition(row, context);
                }
                return Unsupported<object?>(node);
        }
    }

    private Func<Record, FilterContext, object?> CompileColumn(SingleValuePropertyAccessNode property)
    {
        var name = property.Property.Name;
        _columns.Add(name);
        if (name == "id")
        {
            return (row, _) => row.Id;
        }
        return (row, _) => row.Values.TryGetValue(name, out var value) ? value : null;
    }

    private Func<Record, FilterContext, object?> CompileParameter(ParameterAliasNode alias)
    {
        if (!RowFilter.ParameterNames.TryGetValue(alias.Alias, out var parameter))
        {
            _errors.Add($"unknown parameter '{alias.Alias}'; the parameters are {string.Join(", ", RowFilter.ParameterNames.Keys)}");
            return (_, _) => Unknown;
        }
        _parameters.Add(parameter);
        if (parameter == FilterParameter.Today)
        {
            _timeUses++;
        }
        return parameter switch
        {
            FilterParameter.CurrentUser => (_, context) => context.UserId ?? Unknown,
            FilterParameter.CurrentResource => (_, context) => context.ResourceId ?? Unknown,
            _ => (_, context) => context.Today,
        };
    }

    private Func<Record, FilterContext, bool?> CompileComparison(BinaryOperatorNode comparison)
    {
        if ((TimeComparisonOf(comparison.Left, comparison.Right) ?? TimeComparisonOf(comparison.Right, comparison.Left)) is { } time)
        {
            _timeComparisons.Add(time);
        }
        CheckChoiceLiteral(comparison.Left, comparison.Right);
        CheckChoiceLiteral(comparison.Right, comparison.Left);
        var left = CompileOperand(comparison.Left);
        var right = CompileOperand(comparison.Right);
        var kind = comparison.OperatorKind;
        return (row, context) => Compare(kind, left(row, context), right(row, context));
    }

    /// <summary>
    /// <c>column op @today</c> or <c>column op now()</c> (through type promotions): as time passes the result can change
    /// only for rows whose value the moving side crosses, which an index of the column finds (see <see cref="TimeComparison"/>).
    /// </summary>
    private static TimeComparison? TimeComparisonOf(SingleValueNode column, SingleValueNode time)
    {
        static SingleValueNode Unwrap(SingleValueNode node) => node is ConvertNode convert ? Unwrap(convert.Source) : node;
        if (Unwrap(column) is not SingleValuePropertyAccessNode property || property.Property.Name == "id")
        {
            return null;
        }
        return Unwrap(time) switch
        {
            ParameterAliasNode { Alias: "@today" } => new TimeComparison(property.Property.Name, UsesNow: false),
            SingleValueFunctionCallNode { Name: "now" } => new TimeComparison(property.Property.Name, UsesNow: true),
            _ => null,
        };
    }

    private Func<Record, FilterContext, bool?> CompileIn(InNode inNode)
    {
        if (inNode.Right is not CollectionConstantNode list)
        {
            return Unsupported<bool?>(inNode);
        }
        var left = CompileOperand(inNode.Left);
        var items = new List<object?>();
        foreach (var item in list.Collection)
        {
            CheckChoiceLiteral(inNode.Left, item);
            // Items take the left side's type, so a date item matches a datetime column as in eq.
            items.Add(ConvertValue(NormalizeConstant(item.Value), inNode.Left.TypeReference));
        }
        return (row, context) =>
        {
            var value = left(row, context);
            bool? result = false;
            foreach (var item in items)
            {
                var equal = Compare(BinaryOperatorKind.Equal, value, item);
                if (equal == true)
                {
                    return true;
                }
                if (equal is null)
                {
                    result = null;
                }
            }
            return result;
        };
    }

    private Func<Record, FilterContext, bool?> CompileStringTest(SingleValueFunctionCallNode call)
    {
        var arguments = call.Parameters.Cast<SingleValueNode>().Select(CompileOperand).ToArray();
        if (arguments.Length != 2)
        {
            return Unsupported<bool?>(call);
        }
        var (text, part) = (arguments[0], arguments[1]);
        Func<string, string, bool> test = call.Name switch
        {
            "contains" => (s, p) => s.Contains(p, StringComparison.Ordinal),
            "startswith" => (s, p) => s.StartsWith(p, StringComparison.Ordinal),
            _ => (s, p) => s.EndsWith(p, StringComparison.Ordinal),
        };
        // OData: a string function of null is null, so contains(null, 'x') selects nothing, and neither does its negation.
        return (row, context) => text(row, context) is string s && part(row, context) is string p ? test(s, p) : null;
    }

    private void CheckChoiceLiteral(SingleValueNode maybeColumn, SingleValueNode maybeLiteral)
    {
        if (Strip(maybeColumn) is not SingleValuePropertyAccessNode property
            || !_table.TryGetColumn(property.Property.Name, out var column) || column.Type != ColumnType.Choice
            || Strip(maybeLiteral) is not ConstantNode { Value: { } value })
        {
            return;
        }
        if (!TryGetNumber(value, out var number) || column.Options.All(o => o.Value != number))
        {
            _errors.Add($"{Convert.ToString(value, CultureInfo.InvariantCulture)} is not an option of choice column '{column.Name}'; "
                + $"its options are {string.Join(", ", column.Options.Select(o => $"{o.Value} ({o.Label})"))}");
        }
    }

    private Func<Record, FilterContext, T> Unsupported<T>(QueryNode node)
    {
        // Step 1 rejects everything outside the supported language, so this is a safety net, not a user path.
        _errors.Add($"'{node.Kind}' expressions are not supported in a row filter");
        return (_, _) => default!;
    }

    private static (string Column, FilterParameter Parameter)? FindParameterEquality(SingleValueNode root)
    {
        foreach (var conjunct in Conjuncts(root))
        {
            if (conjunct is BinaryOperatorNode { OperatorKind: BinaryOperatorKind.Equal } equal
                && (Match(equal.Left, equal.Right) ?? Match(equal.Right, equal.Left)) is { } found)
            {
                return found;
            }
        }
        return null;

        static IEnumerable<SingleValueNode> Conjuncts(SingleValueNode node)
            => node is BinaryOperatorNode { OperatorKind: BinaryOperatorKind.And } and ? Conjuncts(and.Left).Concat(Conjuncts(and.Right)) : [node];

        static (string, FilterParameter)? Match(SingleValueNode column, SingleValueNode parameter)
            => Strip(column) is SingleValuePropertyAccessNode property
                && Strip(parameter) is ParameterAliasNode alias
                && RowFilter.ParameterNames.TryGetValue(alias.Alias, out var p)
                && p is FilterParameter.CurrentUser or FilterParameter.CurrentResource
                ? (property.Property.Name, p)
                : null;
    }

    // ---- Evaluation helpers ---------------------------------------------------------------------------------------

    /// <summary>
    /// OData comparison semantics: eq is true for null = null and false for null = value; ne is its negation;
    /// ordering with a null is false. Unknown (a missing parameter) or incomparable values give unknown.
    /// </summary>
    private static bool? Compare(BinaryOperatorKind kind, object? left, object? right)
    {
        if (ReferenceEquals(left, Unknown) || ReferenceEquals(right, Unknown))
        {
            return null;
        }
        if (left is null || right is null)
        {
            return kind switch
            {
                BinaryOperatorKind.Equal => left is null && right is null,
                BinaryOperatorKind.NotEqual => !(left is null && right is null),
                _ => false,
            };
        }
        if (CompareValues(left, right) is not { } order)
        {
            return null;
        }
        return kind switch
        {
            BinaryOperatorKind.Equal => order == 0,
            BinaryOperatorKind.NotEqual => order != 0,
            BinaryOperatorKind.GreaterThan => order > 0,
            BinaryOperatorKind.GreaterThanOrEqual => order >= 0,
            BinaryOperatorKind.LessThan => order < 0,
            _ => order <= 0,
        };
    }

    private static int? CompareValues(object left, object right) => (left, right) switch
    {
        (string a, string b) => string.CompareOrdinal(a, b),
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (DateOnly a, DateOnly b) => a.CompareTo(b),
        (bool a, bool b) => a.CompareTo(b),
        // Record values are long, int, decimal or double; literals may be any numeric type.
        _ when IsNumber(left) && IsNumber(right) => left is double or float || right is double or float
            ? Convert.ToDouble(left, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(right, CultureInfo.InvariantCulture))
            : Convert.ToDecimal(left, CultureInfo.InvariantCulture).CompareTo(Convert.ToDecimal(right, CultureInfo.InvariantCulture)),
        _ => null,
    };

    /// <summary>
    /// The conversions ODL inserts that change meaning: a date where a datetime is expected means 00:00Z of that date
    /// (so <c>endtime ge @today</c> is "ends today or later"). Numeric promotions need nothing: numbers compare by value.
    /// </summary>
    private static object? ConvertValue(object? value, IEdmTypeReference? target) => (value, target?.PrimitiveKind()) switch
    {
        (DateOnly date, EdmPrimitiveTypeKind.DateTimeOffset) => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
        (DateTimeOffset time, EdmPrimitiveTypeKind.Date) => DateOnly.FromDateTime(time.UtcDateTime),
        _ => value,
    };

    /// <summary>ODL's literal types, as record values hold them.</summary>
    private static object? NormalizeConstant(object? value) => value switch
    {
        _ when value is not null && TryGetDate(value, out var date) => date,
        DateTimeOffset time => time.ToUniversalTime(),
        _ => value,
    };

    /// <summary>ODL 8 still types date literals as its own Date struct (obsolete, to become DateOnly in ODL 9).</summary>
    private static bool TryGetDate(object value, out DateOnly date)
    {
#pragma warning disable CS0618 // The only way to read what ODL 8 hands us; ODL 9 will hand us DateOnly.
        if (value is Date edmDate)
        {
            date = new DateOnly(edmDate.Year, edmDate.Month, edmDate.Day);
            return true;
        }
#pragma warning restore CS0618
        if (value is DateOnly dateOnly)
        {
            date = dateOnly;
            return true;
        }
        date = default;
        return false;
    }

    private static SingleValueNode Strip(SingleValueNode node)
    {
        while (node is ConvertNode convert)
        {
            node = convert.Source;
        }
        return node;
    }

    private static bool IsNumber(object value) => value is int or long or short or byte or sbyte or decimal or double or float;

    private static bool TryGetNumber(object value, out decimal number)
    {
        number = 0;
        if (!IsNumber(value) || (value is double d && !double.IsFinite(d)) || (value is float f && !float.IsFinite(f)))
        {
            return false;
        }
        try
        {
            number = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static bool IsComparison(BinaryOperatorKind kind) => kind is BinaryOperatorKind.Equal or BinaryOperatorKind.NotEqual
        or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual;

    private static bool IsArithmetic(BinaryOperatorKind kind) => kind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract
        or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide or BinaryOperatorKind.Modulo;

    private static string Keyword(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Add => "add",
        BinaryOperatorKind.Subtract => "sub",
        BinaryOperatorKind.Multiply => "mul",
        BinaryOperatorKind.Divide => "div",
        _ => "mod",
    };

    private static string Describe(ColumnSchema column) => column.Type switch
    {
        ColumnType.String => "a text column",
        ColumnType.Lookup => $"a lookup column (the id of a {column.Target}, as text)",
        ColumnType.Integer => "a whole-number column",
        ColumnType.Decimal or ColumnType.Double => "a number column",
        ColumnType.Boolean => "a true/false column",
        ColumnType.DateTime => "a datetime column",
        ColumnType.Date => "a date column",
        ColumnType.Choice => $"a choice column (options {string.Join(", ", column.Options.Select(o => $"{o.Value} ({o.Label})"))})",
        _ => $"a {column.Type} column",
    };

    private static string DescribeLiteral(object value) => value switch
    {
        string s => $"the text '{s}'",
        bool b => b ? "true" : "false",
        DateTimeOffset time => $"the date and time {time.ToString("O", CultureInfo.InvariantCulture)}",
        _ when TryGetDate(value, out var date) => $"the date {date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
        _ when IsNumber(value) => $"the number {Convert.ToString(value, CultureInfo.InvariantCulture)}",
        _ => $"a {value.GetType().Name} literal",
    };
}
