using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>The answer of <c>GET /api/health</c>: <c>{ "status": "Healthy", "version", "serverTime" }</c>.</summary>
internal sealed class HealthBody
{
    [JsonPropertyName("status")] public string? Status { get; init; }
    [JsonPropertyName("serverTime")] public DateTimeOffset? ServerTime { get; init; }
}
