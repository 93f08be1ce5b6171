using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using FieldSync.Core.Records;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FieldSync.Functions.Http;

/// <summary>
/// A response written with our own JSON writer. The function app and the local host both execute it
/// through <see cref="IActionResult"/>, so neither host's MVC formatter settings can change the wire format.
/// </summary>
public sealed class JsonWriterResult(int statusCode, Action<Utf8JsonWriter> write, string contentType = "application/json") : IActionResult
{
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Compress with brotli or gzip when the caller accepts it (sync payloads: bandwidth is battery).</summary>
    public bool Compress { get; init; }

    /// <summary>The problem type's slug when this is a problem answer (telemetry reports it as ErrorCode).</summary>
    public string? ProblemSlug { get; init; }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping: the body is served as JSON, never embedded in HTML, so apostrophes and '+' stay readable.
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }
        var response = context.HttpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = contentType;
        foreach (var (name, value) in Headers)
        {
            response.Headers[name] = value;
        }
        var body = buffer.WrittenMemory;
        var encoding = Compress ? ResponseCompression.Choose(context.HttpContext.Request.Headers.AcceptEncoding.ToString()) : null;
        if (encoding is not null && body.Length > ResponseCompression.MinimumBytes)
        {
            body = ResponseCompression.Encode(body, encoding);
            response.Headers.ContentEncoding = encoding;
        }
        if (Compress)
        {
            response.Headers.Vary = "Accept-Encoding";
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.HttpContext.RequestAborted);
    }
}

/// <summary>A bodiless response with headers (204, 304).</summary>
public sealed class EmptyResult(int statusCode) : IActionResult
{
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public Task ExecuteResultAsync(ActionContext context)
    {
        context.HttpContext.Response.StatusCode = statusCode;
        foreach (var (name, value) in Headers)
        {
            context.HttpContext.Response.Headers[name] = value;
        }
        return Task.CompletedTask;
    }
}

/// <summary>The answers every function shares: RFC 9457 problem details and records as JSON.</summary>
public static class ApiResults
{
    public const string ProblemTypePrefix = "urn:fieldsync:problem:";

    public static JsonWriterResult Problem(int status, string slug, string title, string detail,
        IReadOnlyList<FieldError>? errors = null, Record? current = null)
        => new(status, w =>
        {
            w.WriteStartObject();
            w.WriteString("type", ProblemTypePrefix + slug);
            w.WriteString("title", title);
            w.WriteNumber("status", status);
            w.WriteString("detail", detail);
            if (errors is { Count: > 0 })
            {
                w.WriteStartArray("errors");
                foreach (var e in errors)
                {
                    w.WriteStartObject();
                    w.WriteString("field", e.Field);
                    w.WriteString("message", e.Message);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            if (current is not null)
            {
                // The record as the server holds it, so a caller that lost a race can merge and retry.
                w.WritePropertyName("current");
                RecordJson.Write(w, current);
            }
            w.WriteEndObject();
        }, "application/problem+json") { ProblemSlug = slug };

    public static JsonWriterResult Unauthenticated(string detail)
    {
        var result = Problem(StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required", detail);
        result.Headers["WWW-Authenticate"] = "Bearer";
        return result;
    }

    /// <summary>The credentials could not be checked (the identity provider's keys could not be read): retry, do not sign in again.</summary>
    public static JsonWriterResult AuthUnavailable(string detail)
    {
        var result = Problem(StatusCodes.Status503ServiceUnavailable, "auth-unavailable", "Sign-in cannot be checked now", detail);
        result.Headers["Retry-After"] = "30";
        return result;
    }

    public static JsonWriterResult Forbidden(string detail)
        => Problem(StatusCodes.Status403Forbidden, "forbidden", "Not allowed", detail);

    /// <summary>
    /// The answer to an unexpected exception, in both hosts: a 500 problem that says nothing of the exception
    /// (its text can hold keys, queries or stack frames); the host's log has it, under the invocation id.
    /// </summary>
    public static JsonWriterResult InternalError(string function)
        => Problem(StatusCodes.Status500InternalServerError, "internal-error", "An unexpected error occurred",
            $"The server failed to handle the request ({function}); it may have done part of the work. Retry later; if it persists, report the time of the request.");

    public static JsonWriterResult BadRequest(string slug, string title, string detail, IReadOnlyList<FieldError>? errors = null)
        => Problem(StatusCodes.Status400BadRequest, slug, title, detail, errors);

    public static JsonWriterResult Record(int status, Record record)
    {
        var result = new JsonWriterResult(status, w => RecordJson.Write(w, record));
        result.Headers["ETag"] = ETags.Format(record.Version);
        return result;
    }

    /// <summary>Maps a failed records operation to its problem answer.</summary>
    public static IActionResult FromFailure(RecordResult result) => result.Outcome switch
    {
        RecordOutcome.UnknownTable => Problem(StatusCodes.Status404NotFound, "unknown-table", "Unknown table", result.Detail!),
        RecordOutcome.NotFound => Problem(StatusCodes.Status404NotFound, "record-not-found", "Record Not Found", result.Detail!),
        RecordOutcome.AlreadyExists => Problem(StatusCodes.Status409Conflict, "already-exists", "Record already exists", result.Detail!),
        RecordOutcome.PreconditionFailed => WithETag(
            Problem(StatusCodes.Status412PreconditionFailed, "precondition-failed", "Version mismatch", result.Detail!, current: result.Record),
            result.Record),
        RecordOutcome.Invalid => BadRequest("validation", "Invalid request",
            $"The request has {result.Errors!.Count} invalid field(s); nothing was written.", result.Errors),
        _ => throw new InvalidOperationException($"{result.Outcome} is not a failure."),
    };

    private static JsonWriterResult WithETag(JsonWriterResult result, Record? current)
    {
        if (current is not null)
        {
            result.Headers["ETag"] = ETags.Format(current.Version);
        }
        return result;
    }
}
