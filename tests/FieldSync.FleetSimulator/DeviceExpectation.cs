namespace FieldSync.FleetSimulator;

/// <summary>What one device must show after a dispatcher's write: the record at the written version or later, or the record gone.</summary>
internal sealed record DeviceExpectation(int Device, bool Present);
