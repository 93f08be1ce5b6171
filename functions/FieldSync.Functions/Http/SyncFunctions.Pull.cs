using System.Text.Json;
using FieldSync.Core.Devices;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using FieldSync.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

public sealed partial class SyncFunctions
{
    /// <summary>
    /// Pull: the first sync (paged, resumable), incremental syncs of the tables that are due, or a refresh of
    /// chosen tables; returns upserts and removals since the device's checkpoint and a new checkpoint.
    /// </summary>
    [Function(nameof(Pull))]
    public Task<IActionResult> Pull([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sync/pull")] HttpRequest req)
    {
        Caller? who = null;
        PullRequest? asked = null;
        PullResult? pulled = null;
        var scenario = SyncScenario.Start(req, TelemetryNames.Events.Pull, telemetry, (e, s) => ReportPull(e, s, who, asked, pulled));
        return scenario.RunAsync(async () =>
        {
            var answer = await PullAsync(req);
            (who, asked, pulled) = (answer.Caller, answer.Request, answer.Result);
            return answer.Response;
        });
    }

    private async Task<(IActionResult Response, Caller? Caller, PullRequest? Request, PullResult? Result)> PullAsync(HttpRequest req)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, DeviceRoles);
        if (caller is null)
        {
            return (denied!, null, null, null);
        }
        var (appVersion, platform, badHeader) = DeviceHeaders.Read(req);
        if (badHeader is not null)
        {
            return (badHeader, caller, null, null);
        }
        var (request, bad) = await RequestGuard.ReadRequestAsync(req, 128 * 1024, ReadPullRequest,
            "Invalid pull request", "The pull request has invalid fields; nothing was read.");
        if (request is null)
        {
            return (bad!, caller, null, null);
        }
        request = request with { AppVersion = appVersion, Platform = platform };
        if (request.Holdings?.Keys.FirstOrDefault(t => !records.Schema.TryGetTable(t, out _)) is { } unknownHolding)
        {
            var detail = $"holdings names '{unknownHolding}', which is not a table of the schema; see GET /api/schema.";
            return (ApiResults.BadRequest("validation", "Invalid pull request", detail, [new FieldError("holdings", detail)]), caller, request, null);
        }
        if (request.Tables?.FirstOrDefault(t => !records.Schema.TryGetTable(t, out _)) is { } unknownTable)
        {
            // Refused before the pull binds the device: a request that is wrong on its face writes nothing.
            var detail = $"'{unknownTable}' is not a table of the schema; see GET /api/schema.";
            return (ApiResults.BadRequest("validation", "Invalid pull request", detail, [new FieldError("tables", detail)]), caller, request, null);
        }
        var outcome = await pulls.PullAsync(caller.UserId, request, req.HttpContext.RequestAborted);
        switch (outcome.Failure)
        {
            case PullFailure.InvalidRequest:
                return (ApiResults.BadRequest("validation", "Invalid pull request", outcome.Detail!, [new FieldError(outcome.Field ?? "$", outcome.Detail!)]), caller, request, null);
            case PullFailure.InvalidCheckpoint:
                return (ApiResults.BadRequest("invalid-checkpoint", "Invalid checkpoint", outcome.Detail!, [new FieldError("checkpoint", outcome.Detail!)]), caller, request, null);
            case PullFailure.DeviceOfOtherUser:
                return (ApiResults.Forbidden(outcome.Detail!), caller, request, null);
            case PullFailure.CheckpointSuperseded:
                return (ApiResults.Problem(StatusCodes.Status409Conflict, "checkpoint-superseded", "Checkpoint superseded", outcome.Detail!,
                    [new FieldError("checkpoint", outcome.Detail!)]), caller, request, null);
        }
        var result = outcome.Result!;
        logger.LogInformation("Pull {SyncMode} by {User} on {Device}: {Records} records, more {HasMore}, pending {Pending}",
            result.SyncMode, caller.UserId, request.DeviceId, result.Changes.Sum(c => c.Upserts.Count + c.Removes.Count), result.HasMore, result.Pending);
        return (new JsonWriterResult(StatusCodes.Status200OK, w => WritePull(w, result)) { Compress = true }, caller, request, result);
    }

    /// <summary>
    /// The pull's telemetry: who, which device, the mode and what it carried. The device id is reported only once the
    /// pull accepted it (an invalid one is the device's input, not an id).
    /// </summary>
    private void ReportPull(TelemetryEvent e, SyncScenario scenario, Caller? caller, PullRequest? request, PullResult? result)
    {
        e.User(caller?.UserId);
        var mode = result?.SyncMode ?? TelemetryNames.UnknownSyncMode;
        if (result is not null)
        {
            var records = result.Changes.Sum(c => c.Upserts.Count);
            e.Dimension(TelemetryNames.Dimensions.DataSyncMode, result.SyncMode)
                .Dimension(TelemetryNames.Dimensions.DeviceInfoId, request!.DeviceId)
                .Dimension(TelemetryNames.Dimensions.ProfileId, result.Profile.Id)
                .Dimension(TelemetryNames.Dimensions.HasMore, result.HasMore)
                .Dimension(TelemetryNames.Dimensions.IsLarge, result.IsLarge)
                .Measure(TelemetryNames.Measurements.RecordCount, records)
                .Measure(TelemetryNames.Measurements.RemovalCount, result.Changes.Sum(c => c.Removes.Count))
                .Measure(TelemetryNames.Measurements.TablesDue, result.Changes.Count)
                .Measure(TelemetryNames.Measurements.Pending, result.Pending);
            telemetry.Metric(TelemetryNames.Metrics.PullRecords, records, (TelemetryNames.Dimensions.DataSyncMode, mode));
            telemetry.Metric(TelemetryNames.Metrics.PullResponseSize, scenario.ResponseBytes, (TelemetryNames.Dimensions.DataSyncMode, mode));
            telemetry.Metric(TelemetryNames.Metrics.PullStorageTransactions, scenario.StorageTransactions, (TelemetryNames.Dimensions.DataSyncMode, mode));
        }
        var outcome = scenario.Succeeded ? TelemetryNames.ScenarioResults.Success : TelemetryNames.ScenarioResults.Failure;
        telemetry.Metric(TelemetryNames.Metrics.Pulls, 1, (TelemetryNames.Dimensions.DataSyncMode, mode), (TelemetryNames.Dimensions.ScenarioResult, outcome));
        telemetry.Metric(TelemetryNames.Metrics.PullDuration, scenario.DurationMs, (TelemetryNames.Dimensions.DataSyncMode, mode));
    }

    private static PullRequest ReadPullRequest(JsonElement body, List<FieldError> errors)
    {
        string deviceId = "";
        string? checkpoint = null;
        List<string>? tables = null;
        var force = false;
        var pageSize = PullService.DefaultPageSize;
        long pushedSequence = 0;
        UserSyncSettings? userSettings = null;
        Dictionary<string, TableHolding>? holdings = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("$", "The body must be a JSON object."));
            return new PullRequest(deviceId, null, null, false, pageSize);
        }
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "deviceId" when value.ValueKind == JsonValueKind.String:
                    deviceId = value.GetString()!;
                    break;
                case "checkpoint" when value.ValueKind is JsonValueKind.String or JsonValueKind.Null:
                    checkpoint = value.GetString();
                    break;
                case "tables" when value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String):
                    tables = value.EnumerateArray().Select(t => t.GetString()!).Distinct(StringComparer.Ordinal).ToList();
                    break;
                case "tables" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "force" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    force = value.GetBoolean();
                    break;
                case "pageSize" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var size):
                    pageSize = size;
                    break;
                case "pushedSequence" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var pushed) && pushed >= 0:
                    pushedSequence = pushed;
                    break;
                case "userSettings" when value.ValueKind == JsonValueKind.Object:
                    userSettings = ReadUserSettings(value, errors);
                    break;
                case "userSettings" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "holdings" when value.ValueKind == JsonValueKind.Object:
                    holdings = ReadHoldings(value, errors);
                    break;
                case "holdings" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "deviceId" or "checkpoint" or "tables" or "force" or "pageSize" or "pushedSequence" or "userSettings" or "holdings":
                    errors.Add(new FieldError(property.Name, $"'{property.Name}' has the wrong type; see the API reference."));
                    break;
                default:
                    errors.Add(new FieldError(property.Name, $"'{property.Name}' is not a pull request field (deviceId, checkpoint, tables, force, pageSize, pushedSequence, userSettings, holdings)."));
                    break;
            }
        }
        if (deviceId.Length == 0)
        {
            errors.Add(new FieldError("deviceId", "'deviceId' is required."));
        }
        return new PullRequest(deviceId, checkpoint, tables, force, pageSize, pushedSequence) { UserSettings = userSettings, Holdings = holdings };
    }

    /// <summary>
    /// <c>"userSettings": { "wifiOnly": bool, "syncFrequency": "auto" | "interval" | "manual", "intervalMinutes": 5..1440 }</c>:
    /// wifiOnly and syncFrequency are required, intervalMinutes only with (and required by) "interval".
    /// </summary>
    private static UserSyncSettings? ReadUserSettings(JsonElement value, List<FieldError> errors)
    {
        bool? wifiOnly = null;
        string? frequency = null;
        int? interval = null;
        var before = errors.Count;
        foreach (var property in value.EnumerateObject())
        {
            var field = "userSettings." + property.Name;
            switch (property.Name)
            {
                case "wifiOnly" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    wifiOnly = property.Value.GetBoolean();
                    break;
                case "syncFrequency" when property.Value.ValueKind == JsonValueKind.String && SyncFrequencies.All.Contains(property.Value.GetString()!, StringComparer.Ordinal):
                    frequency = property.Value.GetString();
                    break;
                case "intervalMinutes" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var minutes)
                    && minutes is >= UserSyncSettings.MinIntervalMinutes and <= UserSyncSettings.MaxIntervalMinutes:
                    interval = minutes;
                    break;
                case "wifiOnly":
                    errors.Add(new FieldError(field, "'wifiOnly' must be true or false."));
                    break;
                case "syncFrequency":
                    errors.Add(new FieldError(field, $"'syncFrequency' must be one of {string.Join(", ", SyncFrequencies.All)}."));
                    break;
                case "intervalMinutes":
                    errors.Add(new FieldError(field, $"'intervalMinutes' must be a whole number from {UserSyncSettings.MinIntervalMinutes} to {UserSyncSettings.MaxIntervalMinutes}."));
                    break;
                default:
                    errors.Add(new FieldError(field, $"'{property.Name}' is not a user setting (wifiOnly, syncFrequency, intervalMinutes)."));
                    break;
            }
        }
        if (wifiOnly is null && !value.TryGetProperty("wifiOnly", out _))
        {
            errors.Add(new FieldError("userSettings.wifiOnly", "'wifiOnly' is required."));
        }
        if (frequency is null && !value.TryGetProperty("syncFrequency", out _))
        {
            errors.Add(new FieldError("userSettings.syncFrequency", "'syncFrequency' is required."));
        }
        if (frequency == SyncFrequencies.Interval && interval is null && !value.TryGetProperty("intervalMinutes", out _))
        {
            errors.Add(new FieldError("userSettings.intervalMinutes", "'intervalMinutes' is required with syncFrequency \"interval\"."));
        }
        if (frequency is not null and not SyncFrequencies.Interval && interval is not null)
        {
            errors.Add(new FieldError("userSettings.intervalMinutes", "'intervalMinutes' goes only with syncFrequency \"interval\"."));
        }
        return errors.Count > before ? null : new UserSyncSettings(wifiOnly!.Value, frequency!, interval);
    }

    /// <summary><c>"holdings": { "&lt;table&gt;": { "count": n, "checksum": "16 hex digits" } }</c>, at most one entry per table.</summary>
    private static Dictionary<string, TableHolding>? ReadHoldings(JsonElement value, List<FieldError> errors)
    {
        var holdings = new Dictionary<string, TableHolding>(StringComparer.Ordinal);
        foreach (var table in value.EnumerateObject())
        {
            var field = "holdings." + table.Name;
            if (holdings.Count >= Checkpoint.MaxBuckets)
            {
                errors.Add(new FieldError("holdings", $"holdings names at most {Checkpoint.MaxBuckets} tables."));
                return null;
            }
            if (!FieldSync.Core.Schema.SchemaCatalog.IsValidTableName(table.Name) || holdings.ContainsKey(table.Name))
            {
                errors.Add(new FieldError(field, "holdings are keyed by table name, each once."));
                continue;
            }
            long? count = null;
            string? checksum = null;
            if (table.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in table.Value.EnumerateObject())
                {
                    switch (property.Name)
                    {
                        case "count" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt64(out var n) && n is >= 0 and <= Checkpoint.MaxSequence:
                            count = n;
                            break;
                        case "checksum" when property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: 16 } hex && hex.All(char.IsAsciiHexDigit):
                            checksum = hex.ToLowerInvariant();
                            break;
                        default:
                            errors.Add(new FieldError(field + "." + property.Name, "A holding is { \"count\": a whole number ≥ 0, \"checksum\": 16 hex digits }."));
                            break;
                    }
                }
            }
            if (count is null || checksum is null)
            {
                errors.Add(new FieldError(field, "A holding needs count (a whole number ≥ 0) and checksum (16 hex digits)."));
                continue;
            }
            holdings[table.Name] = new TableHolding(count.Value, checksum);
        }
        return holdings;
    }

    private void WritePull(Utf8JsonWriter w, PullResult result)
    {
        w.WriteStartObject();
        w.WriteString("syncMode", result.SyncMode);
        w.WriteString("serverTime", result.ServerTime);
        w.WriteString("checkpoint", result.Checkpoint);
        w.WriteBoolean("hasMore", result.HasMore);
        w.WriteNumber("pending", result.Pending);
        w.WriteBoolean("isLarge", result.IsLarge);
        if (result.Reset is { } reset)
        {
            // The device clears its database before applying this response: it is the first page of a fresh download.
            w.WriteStartObject("reset");
            w.WriteString("reason", reset.Reason);
            w.WriteString("requestedOn", reset.RequestedOn);
            w.WriteEndObject();
        }
        if (result.LastAcceptedSequence is { } lastAccepted)
        {
            w.WriteNumber("lastAcceptedSequence", lastAccepted);
        }
        w.WriteStartArray("resync");
        foreach (var table in result.Resync)
        {
            w.WriteStringValue(table);
        }
        w.WriteEndArray();
        w.WriteStartArray("dropped");
        foreach (var table in result.Dropped)
        {
            w.WriteStringValue(table);
        }
        w.WriteEndArray();
        w.WriteStartObject("changes");
        foreach (var table in result.Changes)
        {
            w.WriteStartObject(table.Table);
            w.WriteStartArray("upserts");
            foreach (var op in table.Upserts)
            {
                // The op holds the record's JSON as it was written to the feed; copy it, do not re-serialize.
                w.WriteRawValue(op.Data!, skipInputValidation: true);
            }
            w.WriteEndArray();
            w.WriteStartArray("removes");
            foreach (var id in table.Removes)
            {
                w.WriteStringValue(id);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("tables");
        foreach (var status in result.Status)
        {
            w.WriteStartObject(status.Table);
            if (status.LastSyncedAt is { } last)
            {
                w.WriteString("lastUpdated", last);
            }
            if (status.NextDueAt is { } due)
            {
                w.WriteString("nextDueAt", due);
            }
            w.WriteBoolean("synced", status.Synced);
            if (status.Count is { } count)
            {
                w.WriteNumber("count", count);
                w.WriteString("checksum", status.Checksum);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        if (result.PushOutcomes.Count > 0)
        {
            w.WriteStartArray("pushOutcomes");
            foreach (var batch in result.PushOutcomes)
            {
                w.WriteStartObject();
                w.WriteString("batchId", batch.BatchId);
                w.WriteNumber("sequence", batch.Sequence);
                w.WriteString("status", JsonNamingPolicy.CamelCase.ConvertName(batch.Status.ToString()));
                w.WritePropertyName("outcomes");
                JsonSerializer.Serialize(w, batch.Outcomes, ReceiptJson);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (result.ProfileChanged)
        {
            // Sent on the first pull and whenever the profile changes; the device keeps the last one it got.
            WriteProfile(w, result.Profile);
        }
        w.WriteEndObject();
    }

    private void WriteProfile(Utf8JsonWriter w, OfflineProfile profile)
    {
        w.WriteStartObject("profile");
        w.WriteString("id", profile.Id);
        w.WriteString("name", profile.Name);
        w.WriteStartObject("settings");
        w.WriteBoolean("conflictDetection", conflictDetection.CurrentValue.ConflictDetectionFor(profile));
        w.WriteBoolean("allowWifiOnlySync", profile.Settings.AllowWifiOnlySync);
        w.WriteBoolean("allowOnlineMode", profile.Settings.AllowOnlineMode);
        w.WriteBoolean("allowAdjustSyncFrequency", profile.Settings.AllowAdjustSyncFrequency);
        // The tables the device may read live in online mode (GET /api/online/{table}); empty without online mode.
        w.WriteStartArray("onlineTables");
        foreach (var table in profile.Settings.AllowOnlineMode ? profile.Settings.OnlineTables : [])
        {
            w.WriteStringValue(table);
        }
        w.WriteEndArray();
        w.WriteNumber("largeSyncThreshold", profile.Settings.LargeSyncThreshold);
        w.WriteEndObject();
        w.WriteStartObject("tables");
        foreach (var rule in profile.TablesInDependencyOrder)
        {
            w.WriteStartObject(rule.Table);
            w.WriteNumber("syncIntervalMinutes", (int)rule.SyncInterval.TotalMinutes);
            w.WriteNumber("effectiveSyncIntervalMinutes", (int)rule.EffectiveSyncInterval.TotalMinutes);
            w.WriteBoolean("allowCreate", rule.AllowCreate);
            w.WriteBoolean("allowUpdate", rule.AllowUpdate);
            w.WriteBoolean("allowDelete", rule.AllowDelete);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
