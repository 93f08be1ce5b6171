namespace FieldSync.Core.FullDelta;

/// <summary>A fetch request that passed <see cref="FetchRequestValidator"/>: distinct valid ids, and a sequence number per id when any.</summary>
public sealed record ValidatedFetch(string DeviceId, string Checkpoint, string Table, IReadOnlyList<string> Ids, IReadOnlyList<long>? Seqs) : IDeviceRequest;
