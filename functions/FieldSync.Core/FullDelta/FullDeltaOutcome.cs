using FieldSync.Core.Records;

namespace FieldSync.Core.FullDelta;

/// <summary>A verify's or fetch's answer, or why it was refused (<see cref="Errors"/> names the fields of an invalid request).</summary>
public sealed record FullDeltaOutcome<T>(T? Result, FullDeltaFailure Failure, string? Detail, IReadOnlyList<FieldError> Errors)
    where T : class;
