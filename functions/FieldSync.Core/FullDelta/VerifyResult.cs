namespace FieldSync.Core.FullDelta;

/// <summary>
/// A verify answer: the tables judged or listed on this page, the checkpoint with every table whose list completed here
/// positioned at the head it was listed at (the others as the request had them), and the continuation when more follows.
/// </summary>
public sealed record VerifyResult(IReadOnlyList<VerifiedTable> Tables, string Checkpoint, string? Continuation);
