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
    public Task<IActionResult> RemoveDevice([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "admin/devices/{deviceId}")] HttpRequest req, string deviceId)
        => ForAdminAsync(req, deviceId, async (caller, cancellationToken) =>
        {
            if (!await status.RemoveAsync(deviceId, cancellationToken))
            {
                return NotFound(deviceId);
            }
            DevicesLog.Removed(logger, caller.UserId, deviceId);
            return new EmptyResult(StatusCodes.Status204NoContent);
        });
}
