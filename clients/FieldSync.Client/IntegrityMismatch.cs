namespace FieldSync.Client;

/// <summary>
/// A table whose rows on the device differ from what the server says they are (the pull's exact <c>count</c> and
/// <c>checksum</c>). The protocol's repair is to re-download the table; until the server's full delta sync exists the
/// app's way to repair is <see cref="FieldSyncClient.ResetAsync"/>. Cleared when a later pull's figures match.
/// </summary>
public sealed record IntegrityMismatch(string Table, long ServerCount, string ServerChecksum, long LocalCount, string LocalChecksum);
