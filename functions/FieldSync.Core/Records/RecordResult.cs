namespace FieldSync.Core.Records;

public enum RecordOutcome
{
    Ok,
    Created,
    Deleted,
    UnknownTable,
    NotFound,
    AlreadyExists,
    PreconditionFailed,
    Invalid,
}

/// <summary>A problem with one field of a request, named so the caller can fix it.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>The outcome of a records operation. <see cref="Record"/> is the current record where one exists.</summary>
public sealed record RecordResult(RecordOutcome Outcome, Record? Record = null, IReadOnlyList<FieldError>? Errors = null, string? Detail = null)
{
    public bool Succeeded => Outcome is RecordOutcome.Ok or RecordOutcome.Created or RecordOutcome.Deleted;

    public static RecordResult Invalid(string field, string message) => new(RecordOutcome.Invalid, Errors: [new FieldError(field, message)]);
    public static RecordResult Invalid(IReadOnlyList<FieldError> errors) => new(RecordOutcome.Invalid, Errors: errors);
}

/// <summary>What the caller says it last saw: a version (If-Match "7"), or anything (If-Match *).</summary>
public readonly record struct VersionCondition(long? Version)
{
    public static readonly VersionCondition Any = new(null);
    public bool Matches(long current) => Version is null || Version == current;
}
