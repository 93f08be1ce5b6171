namespace FieldSync.Core.Sync;

/// <summary>Queue message: a record was written; fan it out to the scopes that may carry it.</summary>
public sealed record RecordChangedMessage(string Table, string Id);

/// <summary>Queue message: bring one scope's buckets up to date.</summary>
public sealed record ScopeEvaluationMessage(string ScopeId);
