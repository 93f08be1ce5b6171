namespace FieldSync.Client;

/// <summary>One table on the Offline Status page.</summary>
/// <param name="LastUpdated">The seed's "last date and time each synced table was updated" (the server's clock).</param>
/// <param name="ChecksumMatched">The last exact comparison of the rows held with the server's figures; null before there was one.</param>
public sealed record TableSyncStatus(string Table, DateTimeOffset? LastUpdated, DateTimeOffset? NextDueAt, long Rows, bool? ChecksumMatched);
