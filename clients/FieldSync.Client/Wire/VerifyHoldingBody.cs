using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>One table as a verify reports it: the rows held, their checksum, and the held-rows filter.</summary>
internal sealed class VerifyHoldingBody
{
    [JsonPropertyName("count")] public long Count { get; init; }
    [JsonPropertyName("checksum")] public required string Checksum { get; init; }
    [JsonPropertyName("heldRows")] public string? HeldRows { get; set; }
}
