using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>
/// A verify request that passed <see cref="VerifyRequestValidator"/>: every field present and well formed;
/// <see cref="Filters"/> holds the tables sent with a row filter.
/// </summary>
public sealed record ValidatedVerify(string DeviceId, string Checkpoint, IReadOnlyDictionary<string, TableHolding> Tables,
    IReadOnlyDictionary<string, HeldRowsFilter> Filters, string? Continuation, int PageSize) : IDeviceRequest;
