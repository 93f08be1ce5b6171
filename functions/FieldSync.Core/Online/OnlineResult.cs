using FieldSync.Core.Records;

namespace FieldSync.Core.Online;

/// <summary>The result of an online read: a page, a record, or why not.</summary>
public sealed record OnlineResult(OnlineOutcome Outcome, OnlinePage? Page = null, Record? Record = null, string? Detail = null, IReadOnlyList<FieldError>? Errors = null)
{
    /// <summary>The plan the query ran with (null when it did not get that far), for logs and telemetry.</summary>
    public OnlinePlan? Plan { get; init; }

    public static OnlineResult Invalid(string detail, IReadOnlyList<FieldError> errors) => new(OnlineOutcome.Invalid, Detail: detail, Errors: errors);
}
