using FieldSync.Core.Records;

namespace FieldSync.Core.FullDelta;

/// <summary>Makes <see cref="FullDeltaOutcome{T}"/>s.</summary>
internal static class FullDeltaOutcomes
{
    public static FullDeltaOutcome<T> Success<T>(T result)
        where T : class
        => new(result, FullDeltaFailure.None, null, []);

    public static FullDeltaOutcome<T> Refused<T>(FullDeltaFailure failure, string detail, string field)
        where T : class
        => new(null, failure, detail, [new FieldError(field, detail)]);

    public static FullDeltaOutcome<T> Invalid<T>(IReadOnlyList<FieldError> errors)
        where T : class
        => new(null, FullDeltaFailure.Invalid, errors.Count == 1 ? errors[0].Message : "The request has invalid fields; nothing was read.", errors);
}
