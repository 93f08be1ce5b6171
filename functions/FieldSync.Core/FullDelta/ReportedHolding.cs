namespace FieldSync.Core.FullDelta;

/// <summary>A table as the device reports it to a verify: its row count and checksum, both required (see <see cref="Sync.BucketChecksum"/>).</summary>
public sealed record ReportedHolding(long? Count, string? Checksum);
