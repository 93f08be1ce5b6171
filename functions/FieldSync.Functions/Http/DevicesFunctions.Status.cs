using FieldSync.Core.Records;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class DevicesFunctions
{
    /// <summary>
    /// The technician's Offline Status / Device Status of their own device: sync in progress, pending uploads, sync
    /// errors, per table last updated / next due / rows, and the sync settings the profile allows.
    /// </summary>
    [Function(nameof(GetSyncStatus))]
    public async Task<IActionResult> GetSyncStatus([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sync/status")] HttpRequest req)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, DeviceRoles);
        if (caller is null)
        {
            return denied!;
        }
        foreach (var key in req.Query.Keys)
        {
            if (key != "deviceId")
            {
                return Invalid(key, "Unknown query parameter", $"'{key}' is not a parameter of the status; send deviceId only.");
            }
        }
        if (req.Query["deviceId"].Count > 1)
        {
            return Invalid("deviceId", "Repeated deviceId", "Give deviceId once.");
        }
        var deviceId = req.Query["deviceId"].ToString();
        if (!RecordIds.IsValid(deviceId, out var error))
        {
            return Invalid("deviceId", "Invalid deviceId", error!);
        }
        var found = await status.GetAsync(deviceId, req.HttpContext.RequestAborted);
        if (found is null)
        {
            return NotFound(deviceId);
        }
        return found.UserId == caller.UserId ? Status(found) : ApiResults.Forbidden($"Device '{deviceId}' is not registered to you.");
    }
}
