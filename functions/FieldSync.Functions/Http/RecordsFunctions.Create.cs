using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

public sealed partial class RecordsFunctions
{
    /// <summary>Creates a record; the server assigns version 1 (or the next version over a tombstone).</summary>
    [Function(nameof(CreateRecord))]
    public async Task<IActionResult> CreateRecord(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "records/{table}")] HttpRequest req, string table)
    {
        // The write's operation (the host's, or one of its own on the local host): its fan-out and evaluations share it.
        using var operation = FieldSync.Core.Telemetry.MessageTrace.StartIfNone(FieldSync.Core.Telemetry.TelemetryNames.Events.RecordWrite);
        var (caller, denied) = await guard.AuthorizeAsync(req, WriterRoles);
        if (caller is null)
        {
            return denied!;
        }
        var (body, bad) = await RequestGuard.ReadJsonAsync(req);
        if (body is null)
        {
            return bad!;
        }
        using (body)
        {
            var result = await records.CreateAsync(table, body.RootElement, caller.UserId, req.HttpContext.RequestAborted);
            if (!result.Succeeded)
            {
                return ApiResults.FromFailure(result);
            }
            logger.LogInformation("Created {Table} {Id} by {User}", table, result.Record!.Id, caller.UserId);
            ReportWrite("create", table, result.Record!.Id, caller.UserId);
            var response = ApiResults.Record(StatusCodes.Status201Created, result.Record);
            response.Headers["Location"] = $"/api/records/{table}/{result.Record.Id}";
            return response;
        }
    }
}
