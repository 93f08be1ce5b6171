namespace FieldSync.Core.Devices;

/// <summary>The device's last pull: when, in which sync mode, whether it succeeded, the records it delivered and whether more pages were waiting.</summary>
/// <param name="ErrorCode">The problem slug of a refused pull (e.g. <c>checkpoint-superseded</c>); null on success.</param>
public sealed record DevicePull(DateTimeOffset At, string SyncMode, bool Succeeded, long Records, bool HasMore, string? ErrorCode = null);
