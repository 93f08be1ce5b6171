using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>One entry of a validation problem's <c>errors</c>: the field (<c>changes[2].values.quantity</c>) and why.</summary>
internal sealed class ProblemFieldError
{
    [JsonPropertyName("field")] public string? Field { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}
