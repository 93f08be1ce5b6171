namespace FieldSync.Core.Sync;

/// <summary>What a device reports it holds of a table: its row count and its checksum (see <see cref="BucketChecksum"/>, 16 hex digits).</summary>
public sealed record TableHolding(long Count, string Checksum);
