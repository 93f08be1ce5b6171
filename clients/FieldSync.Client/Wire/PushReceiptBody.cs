using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>A batch's receipt: the 202 answer of a push, <c>GET /api/sync/push/{batchId}</c>, or an entry of a pull's <c>pushOutcomes</c>.</summary>
internal sealed class PushReceiptBody
{
    [JsonPropertyName("batchId")] public string? BatchId { get; init; }
    [JsonPropertyName("sequence")] public long? Sequence { get; init; }

    /// <summary>accepted (waiting), completed (every change has an outcome) or failed (set aside; every change is a sync error).</summary>
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("acceptedOn")] public DateTimeOffset? AcceptedOn { get; init; }
    [JsonPropertyName("outcomes")] public IReadOnlyList<ChangeOutcomeBody>? Outcomes { get; init; }
}
