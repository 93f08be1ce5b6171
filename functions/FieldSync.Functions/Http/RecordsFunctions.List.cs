using System.Globalization;
using FieldSync.Core.Records;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class RecordsFunctions
{
    /// <summary>
    /// Lists a table in id order, a page at a time. The next page is asked for with the returned
    /// continuation token, never an offset, so rows added or removed meanwhile cannot shift pages.
    /// </summary>
    [Function(nameof(ListRecords))]
    public async Task<IActionResult> ListRecords(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "records/{table}")] HttpRequest req, string table)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, WriterRoles);
        if (caller is null)
        {
            return denied!;
        }
        var query = req.Query;
        foreach (var key in query.Keys)
        {
            if (key is not ("pageSize" or "continuation" or "includeDeleted"))
            {
                return ApiResults.BadRequest("validation", "Unknown query parameter",
                    $"'{key}' is not a parameter of this listing; use pageSize, continuation and includeDeleted.");
            }
        }
        var pageSize = RecordService.DefaultPageSize;
        if (query.TryGetValue("pageSize", out var ps) && !int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize))
        {
            return ApiResults.BadRequest("validation", "Invalid pageSize", $"pageSize must be a whole number from 1 to {RecordService.MaxPageSize}.");
        }
        var includeDeleted = false;
        if (query.TryGetValue("includeDeleted", out var d) && !bool.TryParse(d, out includeDeleted))
        {
            return ApiResults.BadRequest("validation", "Invalid includeDeleted", "includeDeleted must be true or false.");
        }
        var continuation = query.TryGetValue("continuation", out var c) ? c.ToString() : null;
        var (result, page) = await records.ListAsync(table, pageSize, continuation, includeDeleted, req.HttpContext.RequestAborted);
        if (page is null)
        {
            return ApiResults.FromFailure(result);
        }
        return new JsonWriterResult(StatusCodes.Status200OK, w => RecordJson.WritePage(w, page.Records, page.Continuation));
    }
}
