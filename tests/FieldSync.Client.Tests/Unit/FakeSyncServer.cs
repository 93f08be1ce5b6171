using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FieldSync.Client.Tests.Unit;

/// <summary>
/// The server's pull and health endpoints in memory, on the test's clock, for scheduler tests that move time: it serves
/// a table when its effective interval has passed since it was last served, as the real pull does, and publishes each
/// table's <c>nextDueAt</c> and the profile's intervals. The real server's scheduling is tested against the local host.
/// </summary>
internal sealed class FakeSyncServer(TimeProvider clock) : HttpMessageHandler
{
    /// <summary>Effective intervals in minutes, as the default profile has them (parts follow their work orders' 15).</summary>
    public static readonly IReadOnlyDictionary<string, int> Intervals = new Dictionary<string, int>
    {
        ["bookableresourcebooking"] = 5, ["workorder"] = 5, ["workorderproduct"] = 15, ["product"] = 1440,
    };

    private readonly Dictionary<string, DateTimeOffset> _servedAt = new(StringComparer.Ordinal);
    private int _pulls;

    public bool AllowWifiOnlySync { get; set; } = true;

    public bool AllowAdjustSyncFrequency { get; set; } = true;

    /// <summary>The server's clock runs this far ahead of the device's.</summary>
    public TimeSpan ServerAhead { get; set; }

    /// <summary>Tables the profile opens to online mode (with allowOnlineMode when any).</summary>
    public IReadOnlyList<string> OnlineTables { get; set; } = [];

    /// <summary>What <c>GET /api/online/...</c> answers (200, as JSON), whatever was asked.</summary>
    public string OnlineAnswer { get; set; } = """{ "value": [] }""";

    /// <summary>True: pulls answer 500 (a server bug, not a retryable outage).</summary>
    public bool FailPulls { get; set; }

    /// <summary>False: the health check's connection is refused.</summary>
    public bool Healthy { get; set; } = true;

    /// <summary>Set: pull answers wait for it (a sync that is still running).</summary>
    public TaskCompletionSource? HoldPulls { get; set; }

    /// <summary>Completed when a pull arrives.</summary>
    public TaskCompletionSource PullArrived { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<JsonElement> PullBodies { get; } = new();

    public int Pulls => Volatile.Read(ref _pulls);

    public int HealthChecks { get; private set; }

    public IEnumerable<string> Modes => PullBodies.Select(Mode);

    /// <summary>The mode a pull request asks for, as the server reads it.</summary>
    public static string Mode(JsonElement body) =>
        !body.TryGetProperty("checkpoint", out var checkpoint) || checkpoint.ValueKind == JsonValueKind.Null ? "FIRST_SYNC"
        : body.TryGetProperty("tables", out _) ? "GRID_SYNC"
        : body.TryGetProperty("force", out _) ? "FORCED_SYNC"
        : "DELTA_SYNC";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path.EndsWith("/api/health", StringComparison.Ordinal))
        {
            HealthChecks++;
            return Healthy
                ? Json($$"""{ "status": "Healthy", "version": "fake", "serverTime": "{{Now():O}}" }""")
                : throw new HttpRequestException("Connection refused (simulated)", null, HttpStatusCode.ServiceUnavailable);
        }
        if (path.Contains("/api/online/", StringComparison.Ordinal))
        {
            return Json(OnlineAnswer);
        }
        if (path.EndsWith("/api/sync/pull", StringComparison.Ordinal))
        {
            var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken)).RootElement.Clone();
            PullBodies.Enqueue(body);
            var number = Interlocked.Increment(ref _pulls);
            var arrived = PullArrived;
            PullArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
            arrived.TrySetResult();
            if (FailPulls)
            {
                return new HttpResponseMessage(HttpStatusCode.InternalServerError);
            }
            if (HoldPulls is { } hold)
            {
                await hold.Task.WaitAsync(cancellationToken);
            }
            return Json(Answer(body, number));
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    private DateTimeOffset Now() => clock.GetUtcNow() + ServerAhead;

    private string Answer(JsonElement body, int number)
    {
        var now = Now();
        var mode = Mode(body);
        var asked = mode == "GRID_SYNC" ? body.GetProperty("tables").EnumerateArray().Select(t => t.GetString()!).ToHashSet() : null;
        var tables = new JsonObject();
        foreach (var (table, minutes) in Intervals)
        {
            var due = !_servedAt.TryGetValue(table, out var served) || served.AddMinutes(minutes) <= now;
            var serve = mode is "FIRST_SYNC" or "FORCED_SYNC" || (mode == "GRID_SYNC" ? asked!.Contains(table) : due);
            if (serve)
            {
                _servedAt[table] = now;
            }
            tables[table] = new JsonObject
            {
                ["lastUpdated"] = _servedAt[table].ToString("O", CultureInfo.InvariantCulture),
                ["nextDueAt"] = _servedAt[table].AddMinutes(minutes).ToString("O", CultureInfo.InvariantCulture),
                ["synced"] = serve,
            };
        }
        var answer = new JsonObject
        {
            ["syncMode"] = mode,
            ["serverTime"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["checkpoint"] = "cp-" + number.ToString(CultureInfo.InvariantCulture),
            ["hasMore"] = false,
            ["pending"] = 0,
            ["changes"] = new JsonObject
            {
                ["bookableresourcebooking"] = new JsonObject
                {
                    ["upserts"] = new JsonArray(new JsonObject { ["id"] = "bk-" + number.ToString(CultureInfo.InvariantCulture), ["version"] = 1 }),
                },
            },
            ["tables"] = tables,
        };
        if (mode == "FIRST_SYNC")
        {
            answer["profile"] = Profile();
        }
        return answer.ToJsonString();
    }

    private JsonObject Profile()
    {
        var tables = new JsonObject();
        foreach (var (table, minutes) in Intervals)
        {
            tables[table] = new JsonObject { ["syncIntervalMinutes"] = minutes, ["effectiveSyncIntervalMinutes"] = minutes };
        }
        return new JsonObject
        {
            ["id"] = "field-service-mobile",
            ["name"] = "Field Service Mobile - Offline Profile",
            ["settings"] = new JsonObject
            {
                ["allowWifiOnlySync"] = AllowWifiOnlySync, ["allowAdjustSyncFrequency"] = AllowAdjustSyncFrequency,
                ["allowOnlineMode"] = OnlineTables.Count > 0, ["onlineTables"] = new JsonArray([.. OnlineTables.Select(t => (JsonNode)t)]),
            },
            ["tables"] = tables,
        };
    }

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
