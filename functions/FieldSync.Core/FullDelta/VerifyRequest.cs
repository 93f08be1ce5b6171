namespace FieldSync.Core.FullDelta;

/// <summary>
/// <c>POST /api/sync/verify</c> as the device sends it (every field may be missing or wrong: <see cref="VerifyRequestValidator"/>
/// decides). <paramref name="Continuation"/> is the previous answer's, with the same <paramref name="Tables"/>.
/// </summary>
public sealed record VerifyRequest(string? DeviceId, string? Checkpoint, IReadOnlyDictionary<string, ReportedHolding?>? Tables, string? Continuation = null, int? PageSize = null);
