using System.Text.Json;
using System.Text.Json.Nodes;
using FieldSync.Core.Security;

namespace FieldSync.EndToEnd.Tests.Catalogue;

/// <summary>The device operations (status, fleet view, reset, unbind) and the device headers and pull fields they rest on.</summary>
public partial class BadInputCatalogueTests
{
    private static readonly string[] BadHeaderValues =
    [
        // Leading and trailing spaces never arrive: HTTP strips them from a field value.
        "", " ", "a\tb", new string('v', 65), "a\u007fb",
    ];

    private void BuildDevices()
    {
        var missing = $"cat-missing-{suffix}";

        AddAuthCases("GetSyncStatus", HttpMethod.Get, $"api/sync/status?deviceId={device}", null, [Roles.Technician]);
        AddQueryCases("GetSyncStatus", "api/sync/status", techToken,
            HostileRouteValues.Select(v => "deviceId=" + v).Concat(["", "deviceId=", "deviceid=" + device, $"deviceId={device}&deviceId={device}", $"deviceId={device}&zzz=1"]));
        cases.Add(new HostileCase("GetSyncStatus", "another technician's device", HttpMethod.Get, $"api/sync/status?deviceId={otherDevice}", Expectation.Problem)
        {
            Authorization = Bearer(techToken),
            Status = 403,
        });
        var fresh = $"cat-fresh-{Guid.NewGuid():N}"[..30];
        cases.Add(new HostileCase("GetSyncStatus", "unregistered device", HttpMethod.Get, $"api/sync/status?deviceId={fresh}", Expectation.Problem)
        {
            Authorization = Bearer(techToken),
            Status = 404,
            FreshDeviceId = fresh,
        });
        cases.Add(new HostileCase("GetSyncStatus", "own device (answered)", HttpMethod.Get, $"api/sync/status?deviceId={device}", Expectation.Success)
        {
            Authorization = Bearer(techToken),
            Status = 200,
        });

        AddAuthCases("ListDevices", HttpMethod.Get, "api/admin/devices", null, [Roles.Admin]);
        AddQueryCases("ListDevices", "api/admin/devices", adminToken,
            HostileRouteValues.Select(v => "userId=" + v)
            .Concat([
                "staleSince=2026-03-10", "staleSince=2026-03-10T12:00:00", "staleSince=yesterday", "staleSince=1600-12-31T23:59:59Z", "staleSince=",
                "pageSize=0", "pageSize=1001", "pageSize=-1", "pageSize=1.5", "pageSize=abc", "pageSize=99999999999",
                "continuation=", "continuation=garbage", "continuation=%FF", "userId=a&userId=b", "zzz=1",
            ]));
        AddQueryCases("ListDevices", "api/admin/devices", adminToken, [$"userId={tech}", "pageSize=1", "staleSince=2026-11-25T08:00:00Z"], Expectation.Success);

        foreach (var (operation, method, template) in new (string, HttpMethod, string)[]
        {
            ("GetDevice", HttpMethod.Get, "api/admin/devices/{deviceId}"),
            ("ResetDevice", HttpMethod.Post, "api/admin/devices/{deviceId}/reset"),
            ("RemoveDevice", HttpMethod.Delete, "api/admin/devices/{deviceId}"),
        })
        {
            // Auth cases name the real device: a refusal that failed to refuse would reset or unbind it (the snapshot sees that).
            AddAuthCases(operation, method, template.Replace("{deviceId}", device, StringComparison.Ordinal), null, [Roles.Admin]);
            AddRouteCases(operation, method, template, "deviceId", adminToken, null);
            cases.Add(new HostileCase(operation, "unregistered device", method, template.Replace("{deviceId}", missing, StringComparison.Ordinal), Expectation.Problem)
            {
                Authorization = Bearer(adminToken),
                Status = 404,
                FreshDeviceId = missing,
            });
        }
        cases.Add(new HostileCase("GetDevice", "registered device (answered)", HttpMethod.Get, $"api/admin/devices/{device}", Expectation.Success)
        {
            Authorization = Bearer(adminToken),
            Status = 200,
        });

        // The device headers and the pull's device-record fields.
        foreach (var header in new[] { "X-FieldSync-App-Version", "X-FieldSync-Platform" })
        {
            foreach (var (value, index) in BadHeaderValues.Select((v, i) => (v, i)))
            {
                var pullDevice = $"cat-fresh-{Guid.NewGuid():N}"[..30];
                cases.Add(Case("Pull", $"{header} bad #{index}, fresh device", HttpMethod.Post, "api/sync/pull", $$"""{ "deviceId": "{{pullDevice}}" }""", Expectation.Problem) with
                {
                    Authorization = Bearer(techToken),
                    Headers = new Dictionary<string, string> { [header] = value },
                    Status = 400,
                    FreshDeviceId = pullDevice,
                });
                cases.Add(Case("Push", $"{header} bad #{index}", HttpMethod.Post, "api/sync/push", PushTemplate().ToJsonString(), Expectation.Problem) with
                {
                    Authorization = Bearer(techToken),
                    Headers = new Dictionary<string, string> { [header] = value },
                    Status = 400,
                });
            }
        }
        var settingsCases = new (string Name, string Json)[]
        {
            ("no wifiOnly", """{ "syncFrequency": "auto" }"""),
            ("no syncFrequency", """{ "wifiOnly": true }"""),
            ("unknown frequency", """{ "wifiOnly": true, "syncFrequency": "hourly" }"""),
            ("frequency in capitals", """{ "wifiOnly": true, "syncFrequency": "AUTO" }"""),
            ("interval without minutes", """{ "wifiOnly": false, "syncFrequency": "interval" }"""),
            ("minutes without interval", """{ "wifiOnly": false, "syncFrequency": "auto", "intervalMinutes": 60 }"""),
            ("interval 4 minutes", """{ "wifiOnly": false, "syncFrequency": "interval", "intervalMinutes": 4 }"""),
            ("interval 1441 minutes", """{ "wifiOnly": false, "syncFrequency": "interval", "intervalMinutes": 1441 }"""),
            ("interval 1.5 minutes", """{ "wifiOnly": false, "syncFrequency": "interval", "intervalMinutes": 1.5 }"""),
            ("wifiOnly as string", """{ "wifiOnly": "true", "syncFrequency": "auto" }"""),
            ("unknown setting", """{ "wifiOnly": true, "syncFrequency": "auto", "darkMode": true }"""),
            ("settings an array", """[]"""),
        };
        var holdingsCases = new (string Name, string Json)[]
        {
            ("unknown table", """{ "spaceship": { "count": 1, "checksum": "0123456789abcdef" } }"""),
            ("table name with slash", """{ "a/b": { "count": 1, "checksum": "0123456789abcdef" } }"""),
            ("negative count", """{ "workorder": { "count": -1, "checksum": "0123456789abcdef" } }"""),
            ("short checksum", """{ "workorder": { "count": 1, "checksum": "0123" } }"""),
            ("checksum not hex", """{ "workorder": { "count": 1, "checksum": "0123456789abcdeg" } }"""),
            ("no checksum", """{ "workorder": { "count": 1 } }"""),
            ("holding a number", """{ "workorder": 5 }"""),
            ("unknown holding field", """{ "workorder": { "count": 1, "checksum": "0123456789abcdef", "extra": 1 } }"""),
            ("holdings an array", """[]"""),
        };
        foreach (var (field, list) in new[] { ("userSettings", settingsCases), ("holdings", holdingsCases) })
        {
            foreach (var (name, json) in list)
            {
                var pullDevice = $"cat-fresh-{Guid.NewGuid():N}"[..30];
                cases.Add(Case("Pull", $"{field} {name}, fresh device", HttpMethod.Post, "api/sync/pull", $$"""{ "deviceId": "{{pullDevice}}", "{{field}}": {{json}} }""", Expectation.Problem) with
                {
                    Authorization = Bearer(techToken),
                    Status = 400,
                    FreshDeviceId = pullDevice,
                });
            }
        }
        cases.Add(Case("Pull", "own checkpoint with settings, holdings and headers (accepted)", HttpMethod.Post, "api/sync/pull",
            $$"""{ "deviceId": "{{device}}", "checkpoint": "{{checkpoint}}", "userSettings": { "wifiOnly": true, "syncFrequency": "interval", "intervalMinutes": 120 }, "holdings": { "workorder": { "count": 0, "checksum": "0000000000000000" } } }""",
            Expectation.Success) with
        {
            Authorization = Bearer(techToken),
            Headers = new Dictionary<string, string> { ["X-FieldSync-App-Version"] = "2.4.1", ["X-FieldSync-Platform"] = "iOS 18.2" },
            Status = 200,
        });
    }

    /// <summary>A valid push body of <see cref="device"/> (refused here only for its headers).</summary>
    private JsonObject PushTemplate() => new()
    {
        ["deviceId"] = device,
        ["batchId"] = $"cat-hdr-{Guid.NewGuid():N}"[..30],
        ["sequence"] = 1,
        ["changes"] = new JsonArray(new JsonObject
        {
            ["action"] = "update",
            ["table"] = "workorder",
            ["id"] = setupRecords["workorder"],
            ["baseVersion"] = 1,
            ["values"] = new JsonObject { ["instructions"] = "Catalogue" },
        }),
    };
}
