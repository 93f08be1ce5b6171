using System.Text.Json;
using FieldSync.Core.FullDelta;
using FieldSync.Core.Telemetry;
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
    public Task<IActionResult> Verify([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sync/verify")] HttpRequest req)
        => RunAsync(req, FullDeltaJsonContext.Default.VerifyRequest, nameof(Verify), service.VerifyAsync, (caller, request, result) =>
        {
            FullDeltaLog.Verified(logger, caller.UserId, request.DeviceId!, result.Tables.Count(t => t.Status == VerifyStatuses.Matched),
                result.Tables.Count(t => t.Status == VerifyStatuses.Repair), result.Tables.Sum(t => t.Rows.Count), result.Tables.Sum(t => t.Upserts.Count), result.Continuation is not null);
            var tables = result.Tables.ToDictionary(t => t.Table,
                t => new VerifyTableResponse(t.Status, t.Count, t.Checksum, t.Status == VerifyStatuses.Repair ? t.Rows : null, t.Complete,
                    t.Upserts.Count == 0 ? null : [.. t.Upserts.Select(op => new FeedDocument(op.Data!))]), StringComparer.Ordinal);
            var response = new VerifyResponse(tables, result.Checkpoint, result.Continuation);
            return new JsonWriterResult(StatusCodes.Status200OK, w => JsonSerializer.Serialize(w, response, FullDeltaJsonContext.Default.VerifyResponse)) { Compress = true };
        }, (e, request, result) => e.Dimension(TelemetryNames.Dimensions.DeviceInfoId, request.DeviceId)
            .Dimension(TelemetryNames.Dimensions.HasMore, result.Continuation is not null)
            .Measure(TelemetryNames.Measurements.TablesListed, result.Tables.Count(t => t.Status == VerifyStatuses.Repair))
            .Measure(TelemetryNames.Measurements.RowsListed, result.Tables.Sum(t => t.Rows.Count))
            .Measure(TelemetryNames.Measurements.RecordCount, result.Tables.Sum(t => t.Upserts.Count)));
}
