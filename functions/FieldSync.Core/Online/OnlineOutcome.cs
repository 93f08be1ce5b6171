namespace FieldSync.Core.Online;

/// <summary>How an online read ended; every failure maps to one problem type.</summary>
public enum OnlineOutcome
{
    Ok,

    /// <summary>The table is not in the schema (404 <c>unknown-table</c>).</summary>
    UnknownTable,

    /// <summary>The caller's profile does not allow online mode, or does not open the table (403 <c>forbidden</c>).</summary>
    Forbidden,

    /// <summary>A bad query, id or continuation (400 <c>validation</c>, naming the parameter).</summary>
    Invalid,

    /// <summary>No live record has the id (404 <c>record-not-found</c>).</summary>
    NotFound,
}
