using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

public sealed partial class RecordsFunctions
{
    /// <summary>Deletes a record (leaving a tombstone at the next version) if If-Match names its current version.</summary>
    [Function(nameof(DeleteRecord))]
    public async Task<IActionResult> DeleteRecord(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "records/{table}/{id}")] HttpRequest req, string table, string id)
    {
        // The write's operation (the host's, or one of its own on the local host): its fan-out and evaluations share it.
        using var operation = FieldSync.Core.Telemetry.MessageTrace.StartIfNone(FieldSync.Core.Telemetry.TelemetryNames.Events.RecordWrite);
        var (caller, denied) = await guard.AuthorizeAsync(req, WriterRoles);
        if (caller is null)
        {
            return denied!;
        }
        if (RequestGuard.ReadIfMatch(req, out var condition) is { } badPrecondition)
        {
            return badPrecondition;
        }
        var result = await records.DeleteAsync(table, id, condition, caller.UserId, req.HttpContext.RequestAborted);
        if (!result.Succeeded)
        {
            return ApiResults.FromFailure(result);
        }
        logger.LogInformation("Deleted {Table} {Id} at version {Version} by {User}", table, id, result.Record!.Version, caller.UserId);
        ReportWrite("delete", table, id, caller.UserId);
        var response = new EmptyResult(StatusCodes.Status204NoContent);
        response.Headers["ETag"] = ETags.Format(result.Record.Version);
        return response;
    }
}
