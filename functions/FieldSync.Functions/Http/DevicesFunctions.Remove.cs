using FieldSync.Core.Records;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class DevicesFunctions
{
    /// <summary>
    /// Unbinds a lost or reassigned device: its record goes, its checkpoints stop working (its next pull with one is
    /// answered with a reset and binds it again), its inbox is kept and still applied.
    /// </summary>
    [Function(nameof(RemoveDevice))]
    public async Task<IActionResult> RemoveDevice([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "admin/devices/{deviceId}")] HttpRequest req, string deviceId)
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
        if (!await status.RemoveAsync(deviceId, req.HttpContext.RequestAborted))
        {
            return NotFound(deviceId);
        }
        DevicesLog.Removed(logger, caller.UserId, deviceId);
        return new EmptyResult(StatusCodes.Status204NoContent);
    }
}
