using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>
/// A table's status in a pull: when it was last synced and is next due, and, only where they are exact for the rows
/// the device holds once this response is applied, the row count and checksum.
/// </summary>
internal sealed class TableFiguresBody
{
    [JsonPropertyName("lastUpdated")] public DateTimeOffset? LastUpdated { get; init; }
    [JsonPropertyName("nextDueAt")] public DateTimeOffset? NextDueAt { get; init; }
    [JsonPropertyName("synced")] public bool Synced { get; init; }
    [JsonPropertyName("count")] public long? Count { get; init; }
    [JsonPropertyName("checksum")] public string? Checksum { get; init; }
}
