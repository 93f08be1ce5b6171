using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>Present on a pull that resets the device ("admin" or "device-removed"): clear the database first.</summary>
internal sealed class DeviceResetBody
{
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("requestedOn")] public DateTimeOffset? RequestedOn { get; init; }
}
