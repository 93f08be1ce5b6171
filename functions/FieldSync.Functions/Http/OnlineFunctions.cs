using FieldSync.Core.Online;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>
/// Online mode: live reads of the tables the technician's profile opens, outside its offline filters. Technician role.
/// One file per operation; the reads write nothing (docs/sync-protocol.md, "Online mode").
/// </summary>
public sealed partial class OnlineFunctions(OnlineReader reader, RequestGuard guard, ISyncTelemetry telemetry, ILogger<OnlineFunctions> logger)
{
    private static readonly string[] OnlineRoles = [Roles.Technician];

    /// <summary>The query string as the reader takes it: each name with every value it was given.</summary>
    private static Dictionary<string, IReadOnlyList<string>> Parameters(HttpRequest req)
        => req.Query.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)[.. kv.Value.Select(v => v ?? "")], StringComparer.Ordinal);

    private static JsonWriterResult Failure(OnlineResult result) => result.Outcome switch
    {
        OnlineOutcome.UnknownTable => ApiResults.Problem(StatusCodes.Status404NotFound, "unknown-table", "Unknown table", result.Detail!),
        OnlineOutcome.Forbidden => ApiResults.Forbidden(result.Detail!),
        OnlineOutcome.NotFound => ApiResults.Problem(StatusCodes.Status404NotFound, "record-not-found", "Record Not Found", result.Detail!),
        _ => ApiResults.BadRequest("validation", "Invalid online query", result.Detail!, result.Errors),
    };

    /// <summary>
    /// Runs one online read for an authorized technician as a reported scenario (FieldSync.OnlineRead): its result,
    /// failure type, duration, storage transactions and bytes, plus the table, the plan and the rows it returned and examined.
    /// </summary>
    private Task<IActionResult> ReportedAsync(HttpRequest req, string table, Func<Caller, Task<(IActionResult Response, OnlineResult Result)>> read)
    {
        Caller? who = null;
        OnlineResult? seen = null;
        var scenario = SyncScenario.Start(req, TelemetryNames.Events.OnlineRead, telemetry, (e, _) =>
        {
            e.User(who?.UserId).Dimension(TelemetryNames.Dimensions.EntityName, table);
            if (seen?.Plan is { } plan)
            {
                e.Dimension(TelemetryNames.Dimensions.OnlinePlan, plan.Kind.ToString());
            }
            if (seen?.Page is { } page)
            {
                e.Dimension(TelemetryNames.Dimensions.HasMore, page.Continuation is not null)
                    .Measure(TelemetryNames.Measurements.RowsExamined, page.Examined);
            }
            e.Measure(TelemetryNames.Measurements.RecordCount, seen?.Page?.Records.Count ?? (seen?.Record is null ? 0 : 1));
        });
        return scenario.RunAsync(async () =>
        {
            var (caller, denied) = await guard.AuthorizeAsync(req, OnlineRoles);
            if (caller is null)
            {
                return denied!;
            }
            who = caller;
            var (response, result) = await read(caller);
            seen = result;
            return response;
        });
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Online query of {Table} by {User}: {Rows} rows of {Examined} examined ({Plan}), more: {More}")]
    private partial void LogQuery(string table, string user, int rows, int examined, string plan, bool more);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Online query of {Table} by {User} refused: {Outcome}")]
    private partial void LogRefused(string table, string user, OnlineOutcome outcome);
}
