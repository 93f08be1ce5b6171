using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>An RFC 9457 problem answer; <c>type</c> is <c>urn:fieldsync:problem:&lt;slug&gt;</c>.</summary>
internal sealed class ProblemBody
{
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("title")] public string? Title { get; init; }
    [JsonPropertyName("status")] public int? Status { get; init; }
    [JsonPropertyName("detail")] public string? Detail { get; init; }
    [JsonPropertyName("errors")] public IReadOnlyList<ProblemFieldError>? Errors { get; init; }
}
