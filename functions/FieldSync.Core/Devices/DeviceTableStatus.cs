namespace FieldSync.Core.Devices;

/// <summary>
/// A table on the device as its record keeps it: when it was last updated and is next due (accurate to the hour on
/// idle pulls), the rows the device holds after its last complete download of it, and whether the count and checksum
/// the device last reported matched the server's (null until it reports them).
/// </summary>
public sealed record DeviceTableStatus(DateTimeOffset? LastUpdated, DateTimeOffset? NextDue, long? Rows, bool? ChecksumMatched);
