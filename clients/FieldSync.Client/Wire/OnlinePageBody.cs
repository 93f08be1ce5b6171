using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>The answer of <c>GET /api/online/{table}</c>: live rows and, while more may match, a continuation.</summary>
internal sealed class OnlinePageBody
{
    [JsonPropertyName("value")] public IReadOnlyList<JsonElement>? Value { get; init; }
    [JsonPropertyName("continuation")] public string? Continuation { get; init; }
}
