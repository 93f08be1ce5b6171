using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>
/// The records API: the dispatcher and back-office side of the system of record. One file per operation.
/// Every operation needs the dispatcher or admin role.
/// </summary>
public sealed partial class RecordsFunctions(RecordService records, RequestGuard guard, ISyncTelemetry telemetry, ILogger<RecordsFunctions> logger)
{
    private static readonly string[] WriterRoles = [Roles.Dispatcher, Roles.Admin];

    /// <summary>One RecordWrite event: who changed which record how (never its values).</summary>
    private void ReportWrite(string operation, string table, string id, string userId)
        => telemetry.Track(new TelemetryEvent(TelemetryNames.Events.RecordWrite)
            .User(userId)
            .Dimension(TelemetryNames.Dimensions.Operation, operation)
            .Dimension(TelemetryNames.Dimensions.EntityName, table)
            .Dimension(TelemetryNames.Dimensions.RecordId, id));
}
