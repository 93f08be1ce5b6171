using System.Text.Json;
using FieldSync.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed partial class FullDeltaFunctions
{
    /// <summary>Fetch: up to 1,000 rows of one table that the device's bucket holds, as a pull delivers them; the other ids are gone.</summary>
    [Function(nameof(Fetch))]
    public Task<IActionResult> Fetch([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sync/fetch")] HttpRequest req)
        => RunAsync(req, FullDeltaJsonContext.Default.FetchRequest, nameof(Fetch), service.FetchAsync, (caller, request, result) =>
        {
            FullDeltaLog.Fetched(logger, result.Table, caller.UserId, request.DeviceId!, result.Rows.Count, result.Gone.Count);
            var response = new FetchResponse(result.Table, [.. result.Rows.Select(op => new FeedDocument(op.Data!))], result.Gone);
            return new JsonWriterResult(StatusCodes.Status200OK, w => JsonSerializer.Serialize(w, response, FullDeltaJsonContext.Default.FetchResponse)) { Compress = true };
        }, (e, request, result) => e.Dimension(TelemetryNames.Dimensions.DeviceInfoId, request.DeviceId)
            .Dimension(TelemetryNames.Dimensions.EntityName, result.Table)
            .Measure(TelemetryNames.Measurements.RecordCount, result.Rows.Count)
            .Measure(TelemetryNames.Measurements.RemovalCount, result.Gone.Count));
}
