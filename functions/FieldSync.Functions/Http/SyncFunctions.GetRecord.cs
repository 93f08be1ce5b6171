using FieldSync.Core.Records;
using FieldSync.Core.Sync;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class SyncFunctions
{
    /// <summary>
    /// A record as the device's offline data holds it. A record that is not (or no longer) in the device's
    /// offline data answers "Record Not Found", as the seed's removal section describes.
    /// </summary>
    [Function(nameof(GetOfflineRecord))]
    public async Task<IActionResult> GetOfflineRecord(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sync/records/{table}/{id}")] HttpRequest req, string table, string id)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, DeviceRoles);
        if (caller is null)
        {
            return denied!;
        }
        var deviceId = req.Query["deviceId"].ToString();
        if (!RecordIds.IsValid(deviceId, out var deviceError))
        {
            return ApiResults.BadRequest("validation", "Invalid deviceId", $"deviceId: {deviceError}", [new FieldError("deviceId", deviceError!)]);
        }
        if (!FieldSync.Core.Schema.SchemaCatalog.IsValidTableName(table))
        {
            // Only names a table can have reach the feed's keys; a declared but absent table is "not found" below.
            return ApiResults.Problem(StatusCodes.Status404NotFound, "unknown-table", "Unknown table", $"'{table}' is not a table of the schema; see GET /api/schema.");
        }
        if (!RecordIds.IsValid(id, out var idError))
        {
            return ApiResults.BadRequest("validation", "Invalid id", idError!, [new FieldError("id", idError!)]);
        }
        var device = await devices.GetAsync(deviceId, req.HttpContext.RequestAborted);
        if (device is null || device.UserId != caller.UserId)
        {
            return ApiResults.Forbidden($"Device '{deviceId}' is not registered to you; pull with it first.");
        }
        var cancellationToken = req.HttpContext.RequestAborted;
        var userHead = await feed.GetHeadAsync(ScopeIds.ForUser(caller.UserId), cancellationToken);
        Member? member = null;
        if (userHead?.ProfileId is { } profileId)
        {
            member = await feed.GetMemberAsync(userHead.ScopeId, table, id, cancellationToken)
                ?? await feed.GetMemberAsync(ScopeIds.Shared(profileId), table, id, cancellationToken);
        }
        if (member is not { In: true })
        {
            return ApiResults.Problem(StatusCodes.Status404NotFound, "record-not-found", "Record Not Found",
                $"The {table} '{id}' is not in your offline data: it was removed from the device or never matched your offline profile.");
        }
        var result = await records.GetAsync(table, id, cancellationToken);
        return result.Succeeded
            ? ApiResults.Record(StatusCodes.Status200OK, result.Record!)
            : ApiResults.FromFailure(result);
    }
}
