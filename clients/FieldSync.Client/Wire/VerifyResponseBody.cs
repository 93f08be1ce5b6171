using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>A verify answer: the tables of this page, the checkpoint to keep once they are repaired, and the continuation.</summary>
internal sealed class VerifyResponseBody
{
    [JsonPropertyName("tables")] public IReadOnlyDictionary<string, VerifyTableBody>? Tables { get; init; }
    [JsonPropertyName("checkpoint")] public string? Checkpoint { get; init; }
    [JsonPropertyName("continuation")] public string? Continuation { get; init; }
}
