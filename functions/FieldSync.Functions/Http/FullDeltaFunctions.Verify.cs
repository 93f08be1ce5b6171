using System.Text.Json;
using FieldSync.Core.FullDelta;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class FullDeltaFunctions
{
    /// <summary>
    /// Verify: per table the device's count and checksum against its bucket; for the tables that differ, the ids and
    /// versions the device should hold (paged), and a checkpoint that continues those tables after the head they were listed at.
    /// </summary>
    [Function(nameof(Verify))]
    public async Task<IActionResult> Verify([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sync/verify")] HttpRequest req)
    {
        var (caller, request, failure) = await ReadAsync(req, FullDeltaJsonContext.Default.VerifyRequest, "Invalid verify request");
        if (caller is null || request is null)
        {
            return failure!;
        }
        var outcome = await service.VerifyAsync(caller.UserId, request, req.HttpContext.RequestAborted);
        if (outcome.Result is not { } result)
        {
            return Refused("Verify", caller, outcome);
        }
        FullDeltaLog.Verified(logger, caller.UserId, request.DeviceId!, result.Tables.Count(t => t.Status == VerifyStatuses.Matched),
            result.Tables.Count(t => t.Status == VerifyStatuses.Repair), result.Tables.Sum(t => t.Rows.Count), result.Continuation is not null);
        var response = new VerifyResponse(
            result.Tables.ToDictionary(t => t.Table, t => new VerifyTableResponse(t.Status, t.Count, t.Checksum, t.Status == VerifyStatuses.Repair ? t.Rows : null, t.Complete), StringComparer.Ordinal),
            result.Checkpoint, result.Continuation);
        return new JsonWriterResult(StatusCodes.Status200OK, w => JsonSerializer.Serialize(w, response, FullDeltaJsonContext.Default.VerifyResponse)) { Compress = true };
    }
}
