using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>A fetch answer: the rows as a pull delivers them, and the ids the device's data does not hold (delete them).</summary>
internal sealed class FetchResponseBody
{
    [JsonPropertyName("rows")] public IReadOnlyList<JsonElement>? Rows { get; init; }
    [JsonPropertyName("gone")] public IReadOnlyList<string>? Gone { get; init; }
}
