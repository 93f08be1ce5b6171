using System.Text.Json;

namespace FieldSync.Infra.Tests;

/// <summary>Reading the compiled ARM template, where each local module is a nested deployment with its own template.</summary>
public static class CompiledTemplate
{
    /// <summary>Every resource declaration, nested deployments' included (languageVersion 2.0 templates keep them in an object).</summary>
    public static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        if (!template.TryGetProperty("resources", out var resources))
        {
            yield break;
        }
        var items = resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray().ToList()
            : [.. resources.EnumerateObject().Select(p => p.Value)];
        foreach (var resource in items)
        {
            yield return resource;
            if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
                && resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                foreach (var inner in Resources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    public static JsonElement Parameter(JsonElement template, string name) => template.GetProperty("parameters").GetProperty(name);
}
