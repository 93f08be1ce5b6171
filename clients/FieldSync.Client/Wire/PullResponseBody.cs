using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>The answer of <c>POST /api/sync/pull</c> (docs/sync-protocol.md, "One pull"). Rows stay raw JSON.</summary>
internal sealed class PullResponseBody
{
    [JsonPropertyName("syncMode")] public string? SyncMode { get; init; }
    [JsonPropertyName("serverTime")] public DateTimeOffset? ServerTime { get; init; }
    [JsonPropertyName("checkpoint")] public string? Checkpoint { get; init; }
    [JsonPropertyName("hasMore")] public bool HasMore { get; init; }
    [JsonPropertyName("pending")] public long? Pending { get; init; }
    [JsonPropertyName("isLarge")] public bool IsLarge { get; init; }
    [JsonPropertyName("resync")] public IReadOnlyList<string>? Resync { get; init; }
    [JsonPropertyName("dropped")] public IReadOnlyList<string>? Dropped { get; init; }
    [JsonPropertyName("changes")] public IReadOnlyDictionary<string, TableChangesBody>? Changes { get; init; }
    [JsonPropertyName("tables")] public IReadOnlyDictionary<string, TableFiguresBody>? Tables { get; init; }
    [JsonPropertyName("profile")] public JsonElement? Profile { get; init; }
    [JsonPropertyName("pushOutcomes")] public IReadOnlyList<PushReceiptBody>? PushOutcomes { get; init; }
    [JsonPropertyName("reset")] public DeviceResetBody? Reset { get; init; }
    [JsonPropertyName("lastAcceptedSequence")] public long? LastAcceptedSequence { get; init; }
}
