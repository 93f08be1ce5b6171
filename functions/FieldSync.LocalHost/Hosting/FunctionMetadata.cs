using System.Text.Json;
using System.Text.Json.Nodes;

namespace FieldSync.LocalHost.Hosting;

/// <summary>One entry of functions.metadata, as the Worker SDK generates it at build.</summary>
internal sealed record FunctionMetadata(string Name, string ScriptFile, string EntryPoint, IReadOnlyList<JsonObject> Bindings)
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>The function's single trigger binding (type ending in "Trigger").</summary>
    public JsonObject Trigger
    {
        get
        {
            var triggers = Bindings.Where(b => BindingType(b).EndsWith("Trigger", StringComparison.OrdinalIgnoreCase)).ToList();
            return triggers.Count == 1
                ? triggers[0]
                : throw new InvalidOperationException($"Function '{Name}' has {triggers.Count} trigger bindings in functions.metadata; exactly one is expected.");
        }
    }

    public static IReadOnlyList<FunctionMetadata> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"functions.metadata not found at {path}. It is generated when FieldSync.Functions builds; build FieldSync.LocalHost (which copies it).", path);
        }
        var root = JsonNode.Parse(File.ReadAllText(path), NodeOptions, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
            as JsonArray ?? throw new InvalidDataException($"{path} is not a JSON array of functions.");
        return root.Select(node =>
        {
            var function = node as JsonObject ?? throw new InvalidDataException($"{path}: every entry must be an object.");
            var name = Text(function, "name") ?? throw new InvalidDataException($"{path}: a function has no name.");
            return new FunctionMetadata(
                name,
                Text(function, "scriptFile") ?? throw new InvalidDataException($"{path}: function '{name}' has no scriptFile."),
                Text(function, "entryPoint") ?? throw new InvalidDataException($"{path}: function '{name}' has no entryPoint."),
                (function["bindings"] as JsonArray ?? []).OfType<JsonObject>().ToList());
        }).ToList();
    }

    public static string BindingType(JsonObject binding) => Text(binding, "type") ?? "";

    public static string? Text(JsonObject node, string name) => node[name] is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    public static bool Flag(JsonObject node, string name) => node[name] is JsonValue value && value.TryGetValue(out bool flag) && flag;

    public static IReadOnlyList<string> Strings(JsonObject node, string name)
        => node[name] is JsonArray array ? array.Select(n => n?.GetValue<string>()).OfType<string>().ToList() : [];
}
