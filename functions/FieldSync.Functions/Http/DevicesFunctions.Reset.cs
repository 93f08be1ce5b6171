using System.Text.Json;
using FieldSync.Core.Devices;
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
    public Task<IActionResult> ResetDevice([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/devices/{deviceId}/reset")] HttpRequest req, string deviceId)
        => ForAdminAsync(req, deviceId, async (caller, cancellationToken) =>
        {
            var now = clock.GetUtcNow();
            if (!await status.RequestResetAsync(deviceId, caller.UserId, now, cancellationToken))
            {
                return NotFound(deviceId);
            }
            DevicesLog.ResetRequested(logger, caller.UserId, deviceId);
            var response = new DeviceResetResponse(deviceId, new DeviceReset(DeviceResetReasons.Admin, now, caller.UserId));
            return new JsonWriterResult(StatusCodes.Status202Accepted, w => JsonSerializer.Serialize(w, response, DevicesJsonContext.Default.DeviceResetResponse));
        });
}
