namespace FieldSync.Core.FullDelta;

/// <summary>
/// <c>POST /api/sync/fetch</c> as the device sends it: up to 1,000 ids of one table, and optionally, for each id, the op
/// sequence number the verify listed it with (<paramref name="Seqs"/>, same order), which lets the server read the rows
/// by key ranges of the op log instead of one point read per id (see <see cref="FetchRequestValidator"/>).
/// </summary>
public sealed record FetchRequest(string? DeviceId, string? Checkpoint, string? Table, IReadOnlyList<string?>? Ids, IReadOnlyList<long>? Seqs = null);
