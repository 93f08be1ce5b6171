using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>The body of <c>POST /api/sync/pull</c>. The server refuses unknown properties, so only these are sent.</summary>
internal sealed class PullRequestBody
{
    [JsonPropertyName("deviceId")] public required string DeviceId { get; init; }

    /// <summary>Verbatim from the last applied response; null for a first sync.</summary>
    [JsonPropertyName("checkpoint")] public string? Checkpoint { get; init; }

    /// <summary>GRID_SYNC: refresh these tables now.</summary>
    [JsonPropertyName("tables")] public IReadOnlyList<string>? Tables { get; init; }

    /// <summary>FORCED_SYNC: every table now. Left out when false, the server's default.</summary>
    [JsonPropertyName("force")] public bool? Force { get; init; }

    [JsonPropertyName("pageSize")] public int? PageSize { get; init; }

    /// <summary>The highest sequence the server accepted from this device: outcomes of batches up to it come back.</summary>
    [JsonPropertyName("pushedSequence")] public long? PushedSequence { get; init; }

    /// <summary>The user's Wi-Fi-only and frequency choices; left out until the app sets them.</summary>
    [JsonPropertyName("userSettings")] public UserSettingsBody? UserSettings { get; init; }
}
