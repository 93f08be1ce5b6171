using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>One change of a push batch. <see cref="Values"/> is the whole row as the device holds it.</summary>
internal sealed class PushChangeBody
{
    [JsonPropertyName("action")] public required string Action { get; init; }
    [JsonPropertyName("table")] public required string Table { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("baseVersion")] public long? BaseVersion { get; init; }
    [JsonPropertyName("values")] public JsonElement? Values { get; init; }
}
