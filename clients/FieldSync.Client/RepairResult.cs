namespace FieldSync.Client;

/// <summary>What one full delta sync (<see cref="FieldSyncClient.RepairAsync"/>) did.</summary>
/// <param name="Verifies">Verify answers read.</param>
/// <param name="Fetches">Fetches for rows the verify listed but did not send (the held-rows filter's rare false positives).</param>
/// <param name="TablesRepaired">Tables whose rows differed from the server's and were repaired.</param>
/// <param name="RowsReceived">Rows stored again: missing ones and those held at another version.</param>
/// <param name="RowsDeleted">Rows deleted: the server does not give them to this device (any more).</param>
public sealed record RepairResult(int Verifies, int Fetches, IReadOnlyList<string> TablesRepaired, long RowsReceived, long RowsDeleted);
