using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>What became of one pushed change.</summary>
internal sealed class ChangeOutcomeBody
{
    [JsonPropertyName("index")] public int Index { get; init; }
    [JsonPropertyName("table")] public string? Table { get; init; }
    [JsonPropertyName("id")] public string? Id { get; init; }

    /// <summary>applied, rejected or invalid.</summary>
    [JsonPropertyName("status")] public string? Status { get; init; }

    /// <summary>Conflict, RecordNotFound, Validation, Permission or Other.</summary>
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("version")] public long? Version { get; init; }

    /// <summary>The server's record, when the technician may read it (a conflict the server won).</summary>
    [JsonPropertyName("current")] public JsonElement? Current { get; init; }
    [JsonPropertyName("syncErrorId")] public string? SyncErrorId { get; init; }
}
