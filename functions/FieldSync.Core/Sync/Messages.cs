namespace FieldSync.Core.Sync;

/// <summary>Queue message: a record was written; fan it out to the scopes that may carry it.</summary>
public sealed record RecordChangedMessage(string Table, string Id);

/// <summary>
/// Queue message: bring one scope's buckets up to date. With a record (<see cref="Table"/> and <see cref="Id"/>),
/// only that record and what depends on it are evaluated; without, the whole scope is.
/// </summary>
public sealed record ScopeEvaluationMessage(string ScopeId, string? Table = null, string? Id = null);
