using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>The body of <c>POST /api/sync/push</c>: serialized once, stored, and re-sent byte for byte on a retry.</summary>
internal sealed class PushRequestBody
{
    [JsonPropertyName("deviceId")] public required string DeviceId { get; init; }
    [JsonPropertyName("batchId")] public required string BatchId { get; init; }
    [JsonPropertyName("sequence")] public required long Sequence { get; init; }
    [JsonPropertyName("changes")] public required IReadOnlyList<PushChangeBody> Changes { get; init; }
}
