namespace FieldSync.Functions.Http;

/// <summary>The answer to <c>POST /api/sync/verify</c>: the tables of this page by name, the checkpoint to store once they are repaired, and the continuation.</summary>
public sealed record VerifyResponse(IReadOnlyDictionary<string, VerifyTableResponse> Tables, string Checkpoint, string? Continuation);
