using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>The part of <c>GET /api/sync/status</c> the SDK reads: the last batch the server accepted from this device.</summary>
internal sealed class DeviceStatusBody
{
    [JsonPropertyName("lastPush")] public LastPushBody? LastPush { get; init; }
}
