using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>The device's last accepted push.</summary>
internal sealed class LastPushBody
{
    [JsonPropertyName("at")] public DateTimeOffset? At { get; init; }
    [JsonPropertyName("sequence")] public long? Sequence { get; init; }
}
