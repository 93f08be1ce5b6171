using System.Text.Json;
using System.Text.Json.Nodes;
using FieldSync.Client.Storage;
using FieldSync.Client.Wire;

namespace FieldSync.Client.Tests.Unit;

/// <summary>Pull answers written as the server writes them, for store tests that need no server.</summary>
internal static class Pages
{
    public static PulledPage Delta(string checkpoint, IEnumerable<(string Table, string Id, long Version)> upserts, IEnumerable<(string Table, string Id)>? removes = null,
        string syncMode = "DELTA_SYNC", string extra = "")
    {
        var changes = new JsonObject();
        foreach (var (table, id, version) in upserts)
        {
            Table(changes, table)["upserts"]!.AsArray().Add(new JsonObject { ["id"] = id, ["version"] = version, ["name"] = $"{id} v{version}" });
        }
        foreach (var (table, id) in removes ?? [])
        {
            Table(changes, table)["removes"]!.AsArray().Add(id);
        }
        return Parse($$"""{ "syncMode": "{{syncMode}}", "checkpoint": "{{checkpoint}}", "hasMore": false, "pending": 0, "changes": {{changes.ToJsonString()}} {{extra}} }""");
    }

    public static PulledPage Parse(string json) => PulledPage.From(JsonSerializer.Deserialize(json, WireJsonContext.Default.PullResponseBody)!);

    private static JsonObject Table(JsonObject changes, string table)
    {
        if (changes[table] is not JsonObject existing)
        {
            existing = new JsonObject { ["upserts"] = new JsonArray(), ["removes"] = new JsonArray() };
            changes[table] = existing;
        }
        return existing;
    }
}
