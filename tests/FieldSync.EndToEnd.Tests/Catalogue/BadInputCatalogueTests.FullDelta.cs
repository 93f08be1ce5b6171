using System.Text.Json;
using System.Text.Json.Nodes;
using FieldSync.Core.Security;
using FieldSync.Functions.Http;

namespace FieldSync.EndToEnd.Tests.Catalogue;

public partial class BadInputCatalogueTests
{
    /// <summary>Full delta sync's verify and fetch: bodies, tables, checksums, ids, forged checkpoints and continuations, another user's device.</summary>
    private void BuildFullDelta()
    {
        const string Checksum = "0123456789abcdef";
        var workOrder = setupRecords["workorder"];
        JsonObject Verify() => new()
        {
            ["deviceId"] = device,
            ["checkpoint"] = checkpoint,
            ["tables"] = new JsonObject { ["workorder"] = new JsonObject { ["count"] = 1, ["checksum"] = Checksum } },
            ["pageSize"] = 10,
        };
        JsonObject Fetch() => new()
        {
            ["deviceId"] = device,
            ["checkpoint"] = checkpoint,
            ["table"] = "workorder",
            ["ids"] = new JsonArray(workOrder),
            ["seqs"] = new JsonArray(1),
        };
        foreach (var (operation, url, template) in new[] { ("Verify", "api/sync/verify", Verify()), ("Fetch", "api/sync/fetch", Fetch()) })
        {
            AddAuthCases(operation, HttpMethod.Post, url, template.ToJsonString(), [Roles.Technician]);
            AddBodyCases(operation, HttpMethod.Post, url, techToken, template, RequestGuard.MaxBodyBytes, t => AllPaths(t));
            foreach (var id in HostileIdLiterals)
            {
                var body = (JsonObject)template.DeepClone();
                body["deviceId"] = JsonNode.Parse(id);
                Add(operation, $"deviceId = {id}", url, body, 400);
            }
            foreach (var (name, token) in ForgedCheckpoints())
            {
                var body = (JsonObject)template.DeepClone();
                body["checkpoint"] = token;
                Add(operation, "checkpoint " + name, url, body, 400);
            }
            foreach (var field in new[] { "deviceId", "checkpoint" })
            {
                var missing = (JsonObject)template.DeepClone();
                missing.Remove(field);
                Add(operation, $"{field} missing", url, missing, 400);
                var nulled = (JsonObject)template.DeepClone();
                nulled[field] = null;
                Add(operation, $"{field} null", url, nulled, 400);
            }
            var other = (JsonObject)template.DeepClone();
            other["deviceId"] = otherDevice;
            Add(operation, "another technician's device", url, other, 403);
            cases.Add(Case(operation, "own checkpoint (accepted)", HttpMethod.Post, url, template.ToJsonString(), Expectation.Success) with
            {
                Authorization = Bearer(techToken),
                Status = 200,
            });
        }

        foreach (var (name, tables) in new[]
        {
            ("unknown table", $$"""{ "spaceship": { "count": 1, "checksum": "{{Checksum}}" } }"""),
            ("hostile table name", $$"""{ "a/b": { "count": 1, "checksum": "{{Checksum}}" } }"""),
            ("empty table name", $$"""{ "": { "count": 1, "checksum": "{{Checksum}}" } }"""),
            ("checksum too short", """{ "workorder": { "count": 1, "checksum": "0123" } }"""),
            ("checksum not hex", """{ "workorder": { "count": 1, "checksum": "0123456789abcdeg" } }"""),
            ("checksum a number", """{ "workorder": { "count": 1, "checksum": 12345 } }"""),
            ("count missing", $$"""{ "workorder": { "checksum": "{{Checksum}}" } }"""),
            ("checksum missing", """{ "workorder": { "count": 1 } }"""),
            ("count negative", $$"""{ "workorder": { "count": -1, "checksum": "{{Checksum}}" } }"""),
            ("holding null", """{ "workorder": null }"""),
            ("unknown holding field", $$"""{ "workorder": { "count": 1, "checksum": "{{Checksum}}", "rows": 3 } }"""),
            ("heldRows not base64", $$"""{ "workorder": { "count": 1, "checksum": "{{Checksum}}", "heldRows": "%%%" } }"""),
            ("heldRows empty", $$"""{ "workorder": { "count": 1, "checksum": "{{Checksum}}", "heldRows": "" } }"""),
            ("heldRows a number", $$"""{ "workorder": { "count": 1, "checksum": "{{Checksum}}", "heldRows": 7 } }"""),
            ("heldRows too large", $$"""{ "workorder": { "count": 1, "checksum": "{{Checksum}}", "heldRows": "{{Convert.ToBase64String(new byte[65537])}}" } }"""),
        })
        {
            var body = Verify();
            body["tables"] = JsonNode.Parse(tables);
            Add("Verify", "tables: " + name, "api/sync/verify", body, 400);
        }
        var noTables = Verify();
        noTables.Remove("tables");
        Add("Verify", "tables missing", "api/sync/verify", noTables, 400);
        foreach (var pageSize in new[] { "0", "5001", "2147483648" })
        {
            var body = Verify();
            body["pageSize"] = JsonNode.Parse(pageSize);
            Add("Verify", $"pageSize = {pageSize}", "api/sync/verify", body, 400);
        }
        foreach (var continuation in new[] { "garbage", "", new string('A', 5000), Convert.ToBase64String(Utf8($"v2\n{device}\n1\nworkorder\n1\nu|someone-else\n5\n")).TrimEnd('=') })
        {
            var body = Verify();
            body["continuation"] = continuation;
            Add("Verify", $"continuation {Shorten(JsonSerializer.Serialize(continuation))}", "api/sync/verify", body, 400);
        }

        foreach (var (name, mutate) in new (string, Action<JsonObject>)[]
        {
            ("1001 ids", b => { b["ids"] = new JsonArray([.. Enumerable.Range(0, 1001).Select(i => (JsonNode)$"wo-{i}")]); b.Remove("seqs"); }),
            ("no ids", b => { b["ids"] = new JsonArray(); b.Remove("seqs"); }),
            ("ids missing", b => { b.Remove("ids"); b.Remove("seqs"); }),
            ("id null", b => { b["ids"] = new JsonArray((JsonNode?)null); }),
            ("id repeated", b => { b["ids"] = new JsonArray(workOrder, workOrder); b["seqs"] = new JsonArray(1, 2); }),
            ("seqs of another length", b => b["seqs"] = new JsonArray(1, 2)),
            ("seq zero", b => b["seqs"] = new JsonArray(0)),
            ("seq negative", b => b["seqs"] = new JsonArray(-5)),
            ("unknown table", b => b["table"] = "spaceship"),
            ("hostile table", b => b["table"] = "a/b"),
            ("table missing", b => b.Remove("table")),
        })
        {
            var body = Fetch();
            mutate(body);
            Add("Fetch", name, "api/sync/fetch", body, 400);
        }
        foreach (var id in HostileIdLiterals)
        {
            var body = Fetch();
            body["ids"] = new JsonArray(JsonNode.Parse(id));
            Add("Fetch", $"ids = [{id}]", "api/sync/fetch", body, 400);
        }
        void Add(string operation, string description, string url, JsonObject body, int status)
            => cases.Add(Case(operation, description, HttpMethod.Post, url, body.ToJsonString(), Expectation.Problem) with
            {
                Authorization = Bearer(techToken),
                Status = status,
            });
    }
}
