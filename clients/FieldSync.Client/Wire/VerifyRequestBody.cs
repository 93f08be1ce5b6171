using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary><c>POST /api/sync/verify</c>: the device's checkpoint, what it holds per table, and the previous answer's continuation.</summary>
internal sealed class VerifyRequestBody
{
    [JsonPropertyName("deviceId")] public required string DeviceId { get; init; }
    [JsonPropertyName("checkpoint")] public required string Checkpoint { get; init; }
    [JsonPropertyName("tables")] public required IReadOnlyDictionary<string, VerifyHoldingBody> Tables { get; init; }
    [JsonPropertyName("continuation")] public string? Continuation { get; init; }
}
