namespace FieldSync.Client;

/// <summary>
/// A table whose rows on the device differ from what the server says they are (the pull's exact <c>count</c> and
/// <c>checksum</c>). Repaired by a full delta sync (<see cref="FieldSyncClient.RepairAsync"/>, which
/// <see cref="FieldSyncClient.SyncAsync"/> runs by itself unless <see cref="FieldSyncClientOptions.RepairIntegrityMismatches"/>
/// is off). Cleared when a later pull's figures match.
/// </summary>
public sealed record IntegrityMismatch(string Table, long ServerCount, string ServerChecksum, long LocalCount, string LocalChecksum);
