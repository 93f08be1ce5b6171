using FieldSync.Core.Records;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class OnlineFunctions
{
    /// <summary>One live record of a table the profile opens to online mode, held offline or not; otherwise "Record Not Found".</summary>
    [Function(nameof(ReadOnline))]
    public Task<IActionResult> ReadOnline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "online/{table}/{id}")] HttpRequest req, string table, string id)
        => ReportedAsync(req, table, async caller =>
        {
            var result = await reader.ReadAsync(caller.UserId, table, id, Parameters(req), req.HttpContext.RequestAborted);
            if (result.Record is not { } record)
            {
                LogRefused(table, caller.UserId, result.Outcome);
                return (Failure(result), result);
            }
            var response = new JsonWriterResult(StatusCodes.Status200OK, w => RecordJson.Write(w, record)) { Compress = true };
            response.Headers["ETag"] = ETags.Format(record.Version);
            return (response, result);
        });
}
