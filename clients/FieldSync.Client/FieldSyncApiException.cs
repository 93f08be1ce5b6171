using System.Net;

namespace FieldSync.Client;

/// <summary>
/// The server refused a request with an RFC 9457 problem answer (or, rarely, with a status and no problem body):
/// 401/403 (token, role or another user's device), 409 <c>batch-id-reused</c> or <c>sequence-not-increasing</c>, or a
/// 429/503 that was still answered after every retry. <see cref="ProblemSlug"/> is the part after
/// <c>urn:fieldsync:problem:</c>, e.g. <c>forbidden</c>.
/// </summary>
public sealed class FieldSyncApiException : Exception
{
    public FieldSyncApiException(HttpStatusCode status, string? problemSlug, string? title, string? detail, IReadOnlyList<ApiFieldError> fieldErrors)
        : base($"{(int)status} {problemSlug ?? status.ToString()}: {detail ?? title ?? "no detail"}")
    {
        Status = status;
        ProblemSlug = problemSlug;
        Title = title;
        Detail = detail;
        FieldErrors = fieldErrors;
    }

    public FieldSyncApiException()
        : this(HttpStatusCode.InternalServerError, null, null, null, [])
    {
    }

    public FieldSyncApiException(string message)
        : base(message)
    {
        FieldErrors = [];
    }

    public FieldSyncApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        FieldErrors = [];
    }

    public HttpStatusCode Status { get; }

    public string? ProblemSlug { get; }

    public string? Title { get; }

    public string? Detail { get; }

    /// <summary>For a 400 validation problem: which field (<c>changes[2].values.quantity</c>) and why.</summary>
    public IReadOnlyList<ApiFieldError> FieldErrors { get; }
}
