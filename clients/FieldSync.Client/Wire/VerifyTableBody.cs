using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>One table of a verify answer: matched, or a page of the rows to hold (<c>[id, version, seq]</c>) and those sent whole.</summary>
internal sealed class VerifyTableBody
{
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("complete")] public bool Complete { get; init; }
    [JsonPropertyName("rows")] public IReadOnlyList<JsonElement>? Rows { get; init; }
    [JsonPropertyName("upserts")] public IReadOnlyList<JsonElement>? Upserts { get; init; }
}
