namespace FieldSync.Core.FullDelta;

/// <summary>
/// A table as the device reports it to a verify: its row count and checksum, both required (see <see cref="Sync.BucketChecksum"/>),
/// and optionally a <see cref="HeldRowsFilter"/> of its rows (Base64), with which the answer carries the rows it lacks.
/// </summary>
public sealed record ReportedHolding(long? Count, string? Checksum, string? HeldRows = null);
