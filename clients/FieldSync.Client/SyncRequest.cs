namespace FieldSync.Client;

/// <summary>What one <see cref="FieldSyncClient.SyncAsync"/> asks of the server beyond the due tables.</summary>
public sealed record SyncRequest
{
    /// <summary>A delta sync: the server serves the tables that are due.</summary>
    public static readonly SyncRequest Due = new();

    /// <summary>FORCED_SYNC: every table now.</summary>
    public bool Force { get; init; }

    /// <summary>GRID_SYNC: these tables now (the user pressed Refresh on a view).</summary>
    public IReadOnlyList<string>? Tables { get; init; }
}
