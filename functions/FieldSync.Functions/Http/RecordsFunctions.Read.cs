using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class RecordsFunctions
{
    /// <summary>
    /// Reads one record with its version as ETag; a deleted or unknown id is "Record Not Found". If-None-Match
    /// with the current version (or <c>*</c>, which any existing record matches) answers 304.
    /// </summary>
    [Function(nameof(GetRecord))]
    public async Task<IActionResult> GetRecord(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "records/{table}/{id}")] HttpRequest req, string table, string id)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, WriterRoles);
        if (caller is null)
        {
            return denied!;
        }
        var result = await records.GetAsync(table, id, req.HttpContext.RequestAborted);
        if (!result.Succeeded)
        {
            return ApiResults.FromFailure(result);
        }
        if (ETags.IfNoneMatchMatches(req.Headers.IfNoneMatch.ToString(), result.Record!.Version))
        {
            var notModified = new EmptyResult(StatusCodes.Status304NotModified);
            notModified.Headers["ETag"] = ETags.Format(result.Record.Version);
            return notModified;
        }
        return ApiResults.Record(StatusCodes.Status200OK, result.Record!);
    }
}
