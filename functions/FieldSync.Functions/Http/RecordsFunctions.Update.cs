using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

public sealed partial class RecordsFunctions
{
    /// <summary>
    /// Merges the body's columns into the record (null clears one). Needs If-Match with the version the caller
    /// last read: if the record moved on, the answer is 412 with the current record and nothing is written.
    /// </summary>
    [Function(nameof(UpdateRecord))]
    public async Task<IActionResult> UpdateRecord(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "records/{table}/{id}")] HttpRequest req, string table, string id)
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
        var (body, bad) = await RequestGuard.ReadJsonAsync(req);
        if (body is null)
        {
            return bad!;
        }
        using (body)
        {
            var result = await records.UpdateAsync(table, id, condition, body.RootElement, caller.UserId, req.HttpContext.RequestAborted);
            if (!result.Succeeded)
            {
                return ApiResults.FromFailure(result);
            }
            logger.LogInformation("Updated {Table} {Id} to version {Version} by {User}", table, id, result.Record!.Version, caller.UserId);
            ReportWrite("update", table, id, caller.UserId);
            return ApiResults.Record(StatusCodes.Status200OK, result.Record);
        }
    }
}
