using System.Globalization;
using System.Text.Json;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Security;
using FieldSync.Core.SyncErrors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

/// <summary>
/// Admin API for recorded sync errors (the seed's Settings > Sync Errors): a newest-first listing with
/// filters, paged by continuation token, and one error by id.
/// </summary>
public sealed class SyncErrorsFunctions(ISyncErrorStore errors, SchemaCatalog schema, RequestGuard guard)
{
    public const int DefaultPageSize = 100;

    private static readonly string[] AdminRoles = [Roles.Admin];
    private static readonly string[] Parameters = ["userId", "deviceId", "table", "from", "to", "pageSize", "continuation"];

    /// <summary>
    /// Sync errors, newest first, optionally for one user, device or table, between from and to (default: the
    /// 30 days before now). The next page is asked for with the returned continuation and the same parameters.
    /// </summary>
    [Function(nameof(ListSyncErrors))]
    public async Task<IActionResult> ListSyncErrors([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/sync-errors")] HttpRequest req)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, AdminRoles);
        if (caller is null)
        {
            return denied!;
        }
        var (query, invalid) = ReadQuery(req.Query);
        if (query is null)
        {
            return invalid!;
        }
        SyncErrorPage page;
        try
        {
            page = await errors.ListAsync(query, req.HttpContext.RequestAborted);
        }
        catch (InvalidContinuationException ex)
        {
            return Invalid("continuation", "Invalid continuation", ex.Message + " Repeat the listing's other parameters unchanged with its continuation.");
        }
        return new JsonWriterResult(StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("value");
            foreach (var error in page.Errors)
            {
                Write(w, error);
            }
            w.WriteEndArray();
            if (page.Continuation is not null)
            {
                w.WriteString("continuation", page.Continuation);
            }
            w.WriteEndObject();
        });
    }

    /// <summary>One sync error by the id the listing gave.</summary>
    [Function(nameof(GetSyncError))]
    public async Task<IActionResult> GetSyncError(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/sync-errors/{errorId}")] HttpRequest req, string errorId)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, AdminRoles);
        if (caller is null)
        {
            return denied!;
        }
        var error = await errors.GetAsync(errorId, req.HttpContext.RequestAborted);
        return error is null
            ? ApiResults.Problem(StatusCodes.Status404NotFound, "sync-error-not-found", "Sync error not found",
                $"There is no sync error '{errorId}' (it may have been purged after the retention period).")
            : new JsonWriterResult(StatusCodes.Status200OK, w => Write(w, error));
    }

    private (SyncErrorQuery? Query, IActionResult? Failure) ReadQuery(IQueryCollection query)
    {
        foreach (var key in query.Keys)
        {
            if (!Parameters.Contains(key, StringComparer.Ordinal))
            {
                return (null, Invalid(key, "Unknown query parameter",
                    $"'{key}' is not a parameter of this listing; use {string.Join(", ", Parameters)}."));
            }
            if (query[key].Count != 1)
            {
                return (null, Invalid(key, $"Repeated {key}", $"Give {key} once."));
            }
        }
        string? Text(string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;

        string? userId = Text("userId"), deviceId = Text("deviceId"), table = Text("table");
        foreach (var (name, value) in new[] { ("userId", userId), ("deviceId", deviceId) })
        {
            if (value is not null && !RecordIds.IsValid(value, out var idError))
            {
                return (null, Invalid(name, $"Invalid {name}", idError!));
            }
        }
        if (table is not null && !schema.TryGetTable(table, out _))
        {
            return (null, Invalid("table", "Unknown table", $"'{table}' is not a table of the schema; see GET /api/schema."));
        }
        DateTimeOffset? from = null, to = null;
        foreach (var name in new[] { "from", "to" })
        {
            if (Text(name) is not { } text)
            {
                continue;
            }
            if (!TryParseInstant(text, out var instant))
            {
                return (null, Invalid(name, $"Invalid {name}",
                    $"{name} must be an ISO 8601 date and time with an offset, e.g. 2026-11-25T08:00:00Z or 2026-11-25T10:00:00%2B02:00 (a '+' must be sent as %2B in a URL)."));
            }
            if (instant < RecordValues.MinDateTime)
            {
                // Azure Tables holds nothing earlier; Azurite would take it, Azure would fail the query.
                return (null, Invalid(name, $"Invalid {name}", $"{name} must not be before 1601-01-01T00:00:00Z."));
            }
            if (name == "from")
            {
                from = instant;
            }
            else
            {
                to = instant;
            }
        }
        if (from > to)
        {
            return (null, Invalid("from", "Invalid time range", "from must not be later than to."));
        }
        var pageSize = DefaultPageSize;
        if (Text("pageSize") is { } ps && (!int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > 1000))
        {
            return (null, Invalid("pageSize", "Invalid pageSize", "pageSize must be a whole number from 1 to 1000."));
        }
        var continuation = Text("continuation");
        if (continuation is { Length: 0 })
        {
            return (null, Invalid("continuation", "Invalid continuation", "continuation must be the value a previous page returned."));
        }
        return (new SyncErrorQuery(userId, deviceId, table, from, to, pageSize, continuation), null);
    }

    /// <summary>ISO 8601 (<c>yyyy-MM-ddTHH:mm:ss[.fffffff]</c>) with <c>Z</c> or an offset; a bare local time is ambiguous.</summary>
    private static bool TryParseInstant(string text, out DateTimeOffset instant)
    {
        instant = default;
        return text.Length >= 20 && text[4] == '-' && text[7] == '-' && text[10] == 'T'
            && RecordValues.TryParseDateTime(text, out instant);
    }

    private static JsonWriterResult Invalid(string field, string title, string detail)
        => ApiResults.BadRequest("validation", title, detail, [new FieldError(field, detail)]);

    /// <summary>The wire shape of a sync error; device and server data are embedded as JSON when they are JSON.</summary>
    private static void Write(Utf8JsonWriter w, SyncError error)
    {
        w.WriteStartObject();
        w.WriteString("id", error.Id);
        w.WritePropertyName("occurredOn");
        RecordValues.Write(w, error.OccurredOn);
        w.WriteString("type", error.Type.ToString());
        w.WriteString("errorCode", error.ErrorCode);
        w.WriteString("message", error.Message);
        w.WriteString("userId", error.UserId);
        w.WriteString("deviceId", error.DeviceId);
        w.WriteString("table", error.Table);
        w.WriteString("recordId", error.RecordId);
        w.WriteString("action", error.Action);
        WriteData(w, "deviceData", error.DeviceData);
        WriteData(w, "serverData", error.ServerData);
        w.WriteString("batchId", error.BatchId);
        w.WriteEndObject();
    }

    private static void WriteData(Utf8JsonWriter w, string name, string? data)
    {
        w.WritePropertyName(name);
        if (data is null)
        {
            w.WriteNullValue();
            return;
        }
        try
        {
            using var document = JsonDocument.Parse(data);
            document.RootElement.WriteTo(w);
        }
        catch (JsonException)
        {
            w.WriteStringValue(data);
        }
    }
}
