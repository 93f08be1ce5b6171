using System.Text.Json.Serialization;

namespace FieldSync.Functions.Http;

/// <summary>A record's JSON as the feed keeps it, copied into an answer as is (<see cref="FeedDocumentConverter"/>), never re-serialized.</summary>
[JsonConverter(typeof(FeedDocumentConverter))]
public sealed record FeedDocument(string Json);
