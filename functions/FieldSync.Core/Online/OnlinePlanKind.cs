namespace FieldSync.Core.Online;

/// <summary>How an online query finds its rows: the cheapest of the keys its <c>$filter</c> and <c>$orderby</c> allow.</summary>
public enum OnlinePlanKind
{
    /// <summary>A conjunct <c>id eq '...'</c>: one point read.</summary>
    PointRead,

    /// <summary>A conjunct on an indexed column (<c>eq</c>, or a date/time range): a key range of the lookup index, then a point read per candidate.</summary>
    IndexRange,

    /// <summary>Nothing narrows by key: the table's record rows in id order, a bounded number per page.</summary>
    Scan,
}
