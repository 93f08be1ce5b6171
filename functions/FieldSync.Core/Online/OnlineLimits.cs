namespace FieldSync.Core.Online;

/// <summary>
/// The bounds of online mode's reads. Whatever the table's size, one response examines at most
/// <see cref="MaxScanRowsPerPage"/> rows of a scan, or reads at most <see cref="MaxCandidateReadsPerPage"/> candidates found
/// through the lookup index, and then returns a continuation even when it found fewer rows than <c>$top</c>: a query no
/// key narrows costs the caller more pages, never the server an unbounded request.
/// </summary>
public static class OnlineLimits
{
    /// <summary>Rows a page holds when the caller gives no <c>$top</c>.</summary>
    public const int DefaultTop = 50;

    /// <summary>The most rows one page holds; a larger <c>$top</c> is served in pages of this size.</summary>
    public const int MaxTop = 1000;

    /// <summary>Record rows one scan request reads (the service's page size).</summary>
    public const int RowsPerScanRequest = 1000;

    /// <summary>Scan requests one response makes at most.</summary>
    public const int MaxScanRequestsPerPage = 2;

    /// <summary>Record rows one response examines at most when no key narrows the query.</summary>
    public const int MaxScanRowsPerPage = RowsPerScanRequest * MaxScanRequestsPerPage;

    /// <summary>Candidates (each one point read) one response reads at most through the lookup index.</summary>
    public const int MaxCandidateReadsPerPage = 100;

    /// <summary>Index requests one response makes at most (each reads up to the candidates still allowed).</summary>
    public const int MaxIndexRequestsPerPage = 4;

    /// <summary>
    /// Reads every online request makes before its query: the caller's profile assignment and the profile. A filter with
    /// <c>@currentResource</c> adds the technician's resource (one index request and a point read per resource found).
    /// </summary>
    public const int CallerReads = 2;

    /// <summary>The most storage requests a scan page makes, the caller's reads included (a filter without <c>@currentResource</c>).</summary>
    public const int MaxScanPageTransactions = CallerReads + MaxScanRequestsPerPage;

    /// <summary>The most storage requests an index page makes, the caller's reads included (a filter without <c>@currentResource</c>).</summary>
    public const int MaxIndexPageTransactions = CallerReads + MaxIndexRequestsPerPage + MaxCandidateReadsPerPage;

    /// <summary>Longest continuation accepted (a token this API made is far shorter).</summary>
    public const int MaxContinuationLength = 2048;
}
