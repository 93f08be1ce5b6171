using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>A verify request that passed <see cref="VerifyRequestValidator"/>: every field present and well formed.</summary>
public sealed record ValidatedVerify(string DeviceId, string Checkpoint, IReadOnlyDictionary<string, TableHolding> Tables, string? Continuation, int PageSize) : IDeviceRequest;
