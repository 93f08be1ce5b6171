using System.Text.Json;
using System.Text.Json.Nodes;

namespace FieldSync.LocalHost.Cli;

/// <summary>
/// <c>field=value</c> arguments of the device and dispatch verbs as a JSON object: a value that reads as JSON (a number,
/// <c>true</c>, <c>null</c>, a quoted string) is taken as it is, anything else as text, so <c>priority=3</c> is a number
/// and <c>instructions=Bring the ladder</c> a string.
/// </summary>
internal static class FieldAssignments
{
    public static JsonObject Parse(IEnumerable<string> assignments)
    {
        var values = new JsonObject();
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"'{assignment}' is not field=value.");
            }
            var text = assignment[(equals + 1)..];
            JsonNode? value;
            try
            {
                value = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                value = JsonValue.Create(text);
            }
            values[assignment[..equals]] = value is JsonObject or JsonArray ? JsonValue.Create(text) : value;
        }
        return values;
    }
}
