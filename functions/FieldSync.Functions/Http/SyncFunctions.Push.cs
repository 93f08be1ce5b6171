using System.Text.Json;
using FieldSync.Core.Push;
using FieldSync.Core.Records;
using FieldSync.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

public sealed partial class SyncFunctions
{
    private static readonly JsonSerializerOptions ReceiptJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Push: a batch of offline changes, validated whole, stored in the device's inbox and applied in the
    /// device's order by a queue function. Answers 202 with a receipt; re-sending a batch id answers the same.
    /// </summary>
    [Function(nameof(Push))]
    public Task<IActionResult> Push([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sync/push")] HttpRequest req)
    {
        FieldSync.Core.Security.Caller? who = null;
        PushRequest? accepted = null;
        var scenario = SyncScenario.Start(req, TelemetryNames.Events.PushAccepted, telemetry, (e, s) =>
        {
            e.User(who?.UserId);
            if (accepted is not null)
            {
                e.Dimension(TelemetryNames.Dimensions.DeviceInfoId, accepted.DeviceId)
                    .Dimension(TelemetryNames.Dimensions.BatchId, accepted.BatchId)
                    .Measure(TelemetryNames.Measurements.ChangeCount, accepted.Changes.Count);
            }
            telemetry.Metric(TelemetryNames.Metrics.PushBatches, 1,
                (TelemetryNames.Dimensions.ScenarioResult, s.Succeeded ? TelemetryNames.ScenarioResults.Success : TelemetryNames.ScenarioResults.Failure));
        });
        return scenario.RunAsync(async () =>
        {
            var (response, caller, request) = await PushAsync(req);
            (who, accepted) = (caller, request);
            return response;
        });
    }

    /// <summary>The push itself; answers with the caller and the batch once they are known to be valid (for telemetry).</summary>
    private async Task<(IActionResult Response, FieldSync.Core.Security.Caller? Caller, PushRequest? Request)> PushAsync(HttpRequest req)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, DeviceRoles);
        if (caller is null)
        {
            return (denied!, null, null);
        }
        var (appVersion, platform, badHeader) = DeviceHeaders.Read(req);
        if (badHeader is not null)
        {
            return (badHeader, caller, null);
        }
        var (request, bad) = await RequestGuard.ReadRequestAsync(req, RequestGuard.MaxBodyBytes, ReadPushRequest,
            "Invalid push", "The batch is malformed; nothing was stored.");
        if (request is null)
        {
            return (bad!, caller, null);
        }
        request = request with { AppVersion = appVersion, Platform = platform };
        var outcome = await pushes.PushAsync(caller.UserId, request, req.HttpContext.RequestAborted);
        switch (outcome.Failure)
        {
            case PushFailure.Invalid:
                return (ApiResults.BadRequest("validation", "Invalid push", outcome.Detail!, outcome.Errors), caller, null);
            case PushFailure.DeviceOfOtherUser:
                return (ApiResults.Forbidden(outcome.Detail!), caller, null);
            case PushFailure.SequenceNotIncreasing:
                return (ApiResults.Problem(StatusCodes.Status409Conflict, "sequence-not-increasing", "Sequence not increasing", outcome.Detail!), caller, request);
            case PushFailure.BatchIdReused:
                return (ApiResults.Problem(StatusCodes.Status409Conflict, "batch-id-reused", "Batch id reused", outcome.Detail!), caller, request);
            case PushFailure.Busy:
                // Contention between pushes of one device is transient: the device sends the same batch again.
                var busy = ApiResults.Problem(StatusCodes.Status503ServiceUnavailable, "inbox-busy", "Inbox busy", outcome.Detail!);
                busy.Headers["Retry-After"] = "1";
                logger.LogWarning("Push {Batch} ({Sequence}) from {Device}: inbox busy", request.BatchId, request.Sequence, request.DeviceId);
                return (busy, caller, request);
        }
        logger.LogInformation("Push {Batch} ({Sequence}) from {Device} by {User}: {Count} changes, duplicate {Duplicate}",
            request.BatchId, request.Sequence, request.DeviceId, caller.UserId, request.Changes.Count, outcome.Duplicate);
        var result = Receipt(outcome.Batch!, StatusCodes.Status202Accepted);
        result.Headers["Location"] = $"/api/sync/push/{request.BatchId}?deviceId={request.DeviceId}";
        return (result, caller, request);
    }

    /// <summary>The receipt of a pushed batch: accepted, completed (with every change's outcome) or failed.</summary>
    [Function(nameof(GetPushReceipt))]
    public async Task<IActionResult> GetPushReceipt(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sync/push/{batchId}")] HttpRequest req, string batchId)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, DeviceRoles);
        if (caller is null)
        {
            return denied!;
        }
        var deviceId = req.Query["deviceId"].ToString();
        if (!RecordIds.IsValid(deviceId, out var deviceError) || !RecordIds.IsValid(batchId, out deviceError))
        {
            return ApiResults.BadRequest("validation", "Invalid receipt request", deviceError!);
        }
        var device = await devices.GetAsync(deviceId, req.HttpContext.RequestAborted);
        if (device is null || device.UserId != caller.UserId)
        {
            return ApiResults.Forbidden($"Device '{deviceId}' is not registered to you.");
        }
        var batch = await inbox.GetBatchAsync(deviceId, batchId, req.HttpContext.RequestAborted);
        return batch is null
            ? ApiResults.Problem(StatusCodes.Status404NotFound, "batch-not-found", "Batch not found", $"Device '{deviceId}' has no batch '{batchId}'.")
            : Receipt(batch, StatusCodes.Status200OK);
    }

    private static JsonWriterResult Receipt(InboxBatch batch, int status)
        => new(status, w =>
        {
            w.WriteStartObject();
            w.WriteString("batchId", batch.BatchId);
            w.WriteNumber("sequence", batch.Sequence);
            w.WriteString("status", JsonNamingPolicy.CamelCase.ConvertName(batch.Status.ToString()));
            w.WriteString("acceptedOn", batch.AcceptedOn);
            w.WritePropertyName("outcomes");
            JsonSerializer.Serialize(w, batch.Outcomes, ReceiptJson);
            w.WriteEndObject();
        });

    private static PushRequest ReadPushRequest(JsonElement body, List<FieldError> errors)
    {
        string deviceId = "", batchId = "";
        long sequence = 0;
        var changes = new List<PushChange>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("$", "The body must be a JSON object."));
            return new PushRequest(deviceId, batchId, sequence, changes);
        }
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "deviceId" when value.ValueKind == JsonValueKind.String:
                    deviceId = value.GetString()!;
                    break;
                case "batchId" when value.ValueKind == JsonValueKind.String:
                    batchId = value.GetString()!;
                    break;
                case "sequence" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var s):
                    sequence = s;
                    break;
                case "sequence" when value.ValueKind == JsonValueKind.Number:
                    errors.Add(new FieldError("sequence", "sequence must be a whole number from 1 to 2^53."));
                    break;
                case "changes" when value.ValueKind == JsonValueKind.Array:
                    var index = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        changes.Add(ReadChange(item, $"changes[{index++}]", errors));
                    }
                    break;
                case "deviceId" or "batchId" or "sequence" or "changes":
                    errors.Add(new FieldError(property.Name, $"'{property.Name}' has the wrong type; see the API reference."));
                    break;
                default:
                    errors.Add(new FieldError(property.Name, $"'{property.Name}' is not a push field (deviceId, batchId, sequence, changes)."));
                    break;
            }
        }
        foreach (var (name, present) in new[] { ("deviceId", deviceId.Length > 0), ("batchId", batchId.Length > 0), ("sequence", sequence != 0) })
        {
            if (!present)
            {
                errors.Add(new FieldError(name, $"'{name}' is required."));
            }
        }
        return new PushRequest(deviceId, batchId, sequence, changes);
    }

    private static PushChange ReadChange(JsonElement item, string path, List<FieldError> errors)
    {
        var change = new PushChange();
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(path, "A change must be an object."));
            return change;
        }
        var sawAction = false;
        foreach (var property in item.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "action" when value.ValueKind == JsonValueKind.String && Enum.TryParse<ChangeAction>(value.GetString(), ignoreCase: true, out var action)
                    && value.GetString()!.All(char.IsAsciiLetterLower):
                    change.Action = action;
                    sawAction = true;
                    break;
                case "table" when value.ValueKind == JsonValueKind.String:
                    change.Table = value.GetString()!;
                    break;
                case "id" when value.ValueKind == JsonValueKind.String:
                    change.Id = value.GetString()!;
                    break;
                case "baseVersion" when value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var version):
                    change.BaseVersion = version;
                    break;
                case "baseVersion" when value.ValueKind == JsonValueKind.Null:
                    break;
                case "values" when value.ValueKind is JsonValueKind.Object or JsonValueKind.Null:
                    change.Values = value.Clone();
                    break;
                case "action":
                    errors.Add(new FieldError($"{path}.action", "action must be create, update or delete."));
                    break;
                case "table" or "id" or "baseVersion" or "values":
                    errors.Add(new FieldError($"{path}.{property.Name}", $"'{property.Name}' has the wrong type."));
                    break;
                default:
                    errors.Add(new FieldError($"{path}.{property.Name}", $"'{property.Name}' is not a change field (action, table, id, baseVersion, values)."));
                    break;
            }
        }
        if (!sawAction)
        {
            errors.Add(new FieldError($"{path}.action", "action is required: create, update or delete."));
        }
        return change;
    }
}
