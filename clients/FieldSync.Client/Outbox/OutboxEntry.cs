namespace FieldSync.Client.Outbox;

/// <summary>One queued local change as stored in the outbox.</summary>
/// <param name="Seq">Its place in the device's order; never reused.</param>
/// <param name="BaseVersion">The server version the change was made on (update, delete); null for a create, or while the record's earlier change is in flight and its new version is not known yet.</param>
/// <param name="ValuesJson">The record's whole row (columns only, no system fields) after the change (create, update).</param>
internal sealed record OutboxEntry(
    long Seq,
    string Table,
    string Id,
    OutboxAction Action,
    long? BaseVersion,
    string? ValuesJson,
    OutboxEntryState State,
    string? BatchId,
    int? ChangeIndex,
    long? AppliedVersion);
