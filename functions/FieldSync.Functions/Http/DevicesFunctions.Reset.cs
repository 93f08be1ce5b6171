using System.Text.Json;
using FieldSync.Core.Devices;
using FieldSync.Core.Records;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class DevicesFunctions
{
    /// <summary>
    /// Resets a device: its next pull answers with a reset instruction and a first sync (the device clears its
    /// database). What it pushed before is still applied; see docs/sync-protocol.md "Reset".
    /// </summary>
    [Function(nameof(ResetDevice))]
    public async Task<IActionResult> ResetDevice([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/devices/{deviceId}/reset")] HttpRequest req, string deviceId)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, AdminRoles);
        if (caller is null)
        {
            return denied!;
        }
        if (!RecordIds.IsValid(deviceId, out var error))
        {
            return Invalid("deviceId", "Invalid deviceId", error!);
        }
        var now = clock.GetUtcNow();
        if (!await status.RequestResetAsync(deviceId, caller.UserId, now, req.HttpContext.RequestAborted))
        {
            return NotFound(deviceId);
        }
        DevicesLog.ResetRequested(logger, caller.UserId, deviceId);
        var response = new DeviceResetResponse(deviceId, new DeviceReset(DeviceResetReasons.Admin, now, caller.UserId));
        return new JsonWriterResult(StatusCodes.Status202Accepted, w => JsonSerializer.Serialize(w, response, DevicesJsonContext.Default.DeviceResetResponse));
    }
}
