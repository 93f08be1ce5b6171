using System.Text.Json;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FieldSync.Functions.Http;

/// <summary>The checks every authenticated function makes before it does anything.</summary>
public sealed class RequestGuard(CallerAuthenticator authenticator)
{
    /// <summary>Largest JSON body the records API reads; a record is at most ~900 KiB in storage.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Deepest nesting a body may have; no request of the API nests more than a few levels.</summary>
    public const int MaxDepth = 16;

    /// <summary>Authenticates the caller and checks it holds one of <paramref name="roles"/>.</summary>
    public async Task<(Caller? Caller, IActionResult? Failure)> AuthorizeAsync(HttpRequest request, params string[] roles)
    {
        var result = await authenticator.AuthenticateAsync(
            request.Headers.Authorization.ToString(),
            request.Headers["X-MS-CLIENT-PRINCIPAL"].ToString());
        if (result.Caller is null)
        {
            return (null, result.Unavailable ? ApiResults.AuthUnavailable(result.Failure!) : ApiResults.Unauthenticated(result.Failure!));
        }
        if (!result.Caller.IsInAnyRole(roles))
        {
            return (null, ApiResults.Forbidden($"This operation needs the role {string.Join(" or ", roles)}; the caller has {(result.Caller.Roles.Count == 0 ? "no FieldSync role" : string.Join(", ", result.Caller.Roles))}."));
        }
        return (result.Caller, null);
    }

    /// <summary>Reads a bounded JSON body. Oversized, non-JSON or malformed bodies get a problem answer.</summary>
    public static async Task<(JsonDocument? Body, IActionResult? Failure)> ReadJsonAsync(HttpRequest request, int maxBytes = MaxBodyBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }
        var contentType = request.ContentType;
        if (!string.IsNullOrEmpty(contentType) && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            && !contentType.StartsWith("application/merge-patch+json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, ApiResults.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                $"Send the body as application/json, not {contentType}."));
        }
        // Read at most maxBytes + 1 so a body without Content-Length cannot make us buffer without bound.
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }
            }
        }
        catch (BadHttpRequestException ex)
        {
            // The server refused the body (a broken chunked encoding, a body cut short, over its own limit): the caller's fault.
            return (null, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(maxBytes)
                : ApiResults.BadRequest("malformed-json", "Malformed body", "The request body could not be read; send it again, whole."));
        }
        if (buffer.Length == 0)
        {
            return (null, ApiResults.BadRequest("malformed-json", "Malformed JSON", "The request needs a JSON body."));
        }
        var json = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            return (null, ApiResults.BadRequest("malformed-json", "Malformed JSON",
                $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}); it may nest at most {MaxDepth} levels."));
        }
        var invalid = JsonText.FindInvalidText(json.Span);
        if (invalid >= 0)
        {
            document.Dispose();
            return (null, ApiResults.BadRequest("malformed-json", "Malformed JSON",
                $"The body has text that is not Unicode at byte {invalid + 1}: bytes that are not UTF-8, or a \\u escape of a lone surrogate such as \\ud800. Send UTF-8 and escape only whole characters."));
        }
        return (document, null);
    }

    /// <summary>
    /// Reads a bounded JSON body and turns it into a request with <paramref name="read"/>, which adds what is wrong
    /// to the list it is given; any error answers one validation problem (<paramref name="title"/>,
    /// <paramref name="detail"/>) naming every field.
    /// </summary>
    public static async Task<(T? Request, IActionResult? Failure)> ReadRequestAsync<T>(HttpRequest request, int maxBytes,
        Func<JsonElement, List<FieldError>, T> read, string title, string detail)
        where T : class
    {
        var (body, bad) = await ReadJsonAsync(request, maxBytes);
        if (body is null)
        {
            return (null, bad);
        }
        using (body)
        {
            var errors = new List<FieldError>();
            var parsed = read(body.RootElement, errors);
            return errors.Count > 0 ? (null, ApiResults.BadRequest("validation", title, detail, errors)) : (parsed, null);
        }
    }

    /// <summary>Updates and deletes must say which version they change; that is how lost updates are prevented.</summary>
    public static IActionResult? ReadIfMatch(HttpRequest request, out VersionCondition condition)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            condition = VersionCondition.Any;
            return ApiResults.Problem(StatusCodes.Status428PreconditionRequired, "precondition-required", "If-Match required",
                "Send If-Match with the ETag (version) you last read, e.g. If-Match: \"3\", or If-Match: * to overwrite whatever is there.");
        }
        if (ETags.TryParseIfMatch(header, out condition))
        {
            return null;
        }
        // A weak ETag is well-formed but never matches for a write (RFC 9110 13.1.1: If-Match compares strongly).
        return ETags.IsWeak(header)
            ? ApiResults.Problem(StatusCodes.Status412PreconditionFailed, "precondition-failed", "Weak ETag",
                "If-Match compares strongly, so a weak ETag (W/\"...\") never matches a write; send the record's ETag as you read it, e.g. If-Match: \"3\". Nothing was written.")
            : ApiResults.BadRequest("invalid-if-match", "Invalid If-Match", $"If-Match must be a record ETag such as \"3\", or *; got {header}.");
    }

    private static JsonWriterResult TooLarge(int maxBytes)
        => ApiResults.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "Body too large", $"The body exceeds {maxBytes / 1024} KiB.");
}
