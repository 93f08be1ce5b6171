using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>
/// The pull's <c>userSettings</c> (docs/sync-protocol.md, "Device status"): the user's own choices, recorded in the
/// device record so an admin can see why a device has not synced. <c>intervalMinutes</c> goes only with "interval".
/// </summary>
internal sealed class UserSettingsBody
{
    [JsonPropertyName("wifiOnly")] public required bool WifiOnly { get; init; }
    [JsonPropertyName("syncFrequency")] public required string SyncFrequency { get; init; }
    [JsonPropertyName("intervalMinutes")] public int? IntervalMinutes { get; init; }
}
