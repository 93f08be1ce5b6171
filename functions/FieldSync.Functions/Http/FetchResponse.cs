namespace FieldSync.Functions.Http;

/// <summary>The answer to <c>POST /api/sync/fetch</c>: the rows as a pull delivers them, and the ids the device's bucket does not hold.</summary>
public sealed record FetchResponse(string Table, IReadOnlyList<FeedDocument> Rows, IReadOnlyList<string> Gone);
