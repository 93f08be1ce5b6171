using FieldSync.Core.Online;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>
/// Online mode: live reads of the tables the technician's profile opens, outside its offline filters. Technician role.
/// One file per operation; the reads write nothing (docs/sync-protocol.md, "Online mode").
/// </summary>
public sealed partial class OnlineFunctions(OnlineReader reader, RequestGuard guard, ILogger<OnlineFunctions> logger)
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

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Online query of {Table} by {User}: {Rows} rows of {Examined} examined ({Plan}), more: {More}")]
    private partial void LogQuery(string table, string user, int rows, int examined, string plan, bool more);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Online query of {Table} by {User} refused: {Outcome}")]
    private partial void LogRefused(string table, string user, OnlineOutcome outcome);
}
