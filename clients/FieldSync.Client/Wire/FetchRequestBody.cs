using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary><c>POST /api/sync/fetch</c>: up to 1,000 ids of one table, with the feed positions the verify listed them at.</summary>
internal sealed class FetchRequestBody
{
    [JsonPropertyName("deviceId")] public required string DeviceId { get; init; }
    [JsonPropertyName("checkpoint")] public required string Checkpoint { get; init; }
    [JsonPropertyName("table")] public required string Table { get; init; }
    [JsonPropertyName("ids")] public required IReadOnlyList<string> Ids { get; init; }
    [JsonPropertyName("seqs")] public IReadOnlyList<long>? Seqs { get; init; }
}
