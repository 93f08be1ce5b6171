using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>One table's part of a pull: whole rows to insert or replace, and ids to delete.</summary>
internal sealed class TableChangesBody
{
    [JsonPropertyName("upserts")] public IReadOnlyList<JsonElement>? Upserts { get; init; }
    [JsonPropertyName("removes")] public IReadOnlyList<string>? Removes { get; init; }
}
