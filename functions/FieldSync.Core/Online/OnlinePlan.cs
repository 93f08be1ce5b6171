using FieldSync.Core.Profiles;

namespace FieldSync.Core.Online;

/// <summary>
/// Which storage reads answer an online query (chosen by <see cref="OnlinePlanner"/> from the query's shape, the same for
/// every page and every caller); the values the keys take are resolved per request, since <c>@today</c>, <c>now()</c> and
/// <c>@currentUser</c> differ.
/// </summary>
public sealed class OnlinePlan
{
    private readonly Func<FilterContext, string?>? _id;
    private readonly Func<FilterContext, (string Low, string High)?>? _range;

    private OnlinePlan(OnlinePlanKind kind, string? column, Func<FilterContext, string?>? id, Func<FilterContext, (string, string)?>? range)
    {
        Kind = kind;
        Column = column;
        _id = id;
        _range = range;
    }

    public OnlinePlanKind Kind { get; }

    /// <summary>The indexed column of an <see cref="OnlinePlanKind.IndexRange"/> plan; null otherwise.</summary>
    public string? Column { get; }

    /// <summary>What a continuation names, so one made for another plan is refused: <c>scan</c>, <c>index|column</c> or <c>point</c>.</summary>
    public string Key => Kind switch
    {
        OnlinePlanKind.Scan => "scan",
        OnlinePlanKind.IndexRange => "index|" + Column,
        _ => "point",
    };

    internal static OnlinePlan PointRead(Func<FilterContext, string?> id) => new(OnlinePlanKind.PointRead, null, id, null);

    internal static OnlinePlan IndexRange(string column, Func<FilterContext, (string, string)?> range) => new(OnlinePlanKind.IndexRange, column, null, range);

    internal static OnlinePlan Scan { get; } = new(OnlinePlanKind.Scan, null, null, null);

    /// <summary>The id a point read reads; null when no row can match (a parameter without a value).</summary>
    public string? IdFor(FilterContext context) => _id!(context);

    /// <summary>The index's value keys (both included) for this caller and moment; null when no row can match.</summary>
    public (string Low, string High)? RangeFor(FilterContext context) => _range!(context);

    public override string ToString() => Kind switch
    {
        OnlinePlanKind.IndexRange => $"index on {Column}",
        OnlinePlanKind.PointRead => "point read",
        _ => "scan",
    };
}
