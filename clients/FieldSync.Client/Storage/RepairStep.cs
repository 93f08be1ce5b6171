namespace FieldSync.Client.Storage;

/// <summary>What one verify answer repairs: rows to store as the server sent them, rows to delete, and the checkpoint to keep.</summary>
internal sealed record RepairStep(string Checkpoint, IReadOnlyList<PulledRow> Upserts, IReadOnlyList<(string Table, string Id)> Removes);
