using FieldSync.Core.Records;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class OnlineFunctions
{
    /// <summary>
    /// Live rows of a table the profile opens to online mode: <c>$filter</c>, <c>$select</c>, <c>$orderby</c> (id or an
    /// indexed column), <c>$top</c>, paged by continuation; each page bounded in storage work.
    /// </summary>
    [Function(nameof(QueryOnline))]
    public Task<IActionResult> QueryOnline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "online/{table}")] HttpRequest req, string table)
        => ReportedAsync(req, table, async caller =>
        {
            var result = await reader.QueryAsync(caller.UserId, table, Parameters(req), req.HttpContext.RequestAborted);
            if (result.Page is not { } page)
            {
                LogRefused(table, caller.UserId, result.Outcome);
                return (Failure(result), result);
            }
            LogQuery(table, caller.UserId, page.Records.Count, page.Examined, result.Plan!.ToString(), page.Continuation is not null);
            return (new JsonWriterResult(StatusCodes.Status200OK, w => RecordJson.WritePage(w, page.Records, page.Continuation))
            { Compress = true }, result);
        });
}
