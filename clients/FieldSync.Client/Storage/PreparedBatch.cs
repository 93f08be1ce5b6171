namespace FieldSync.Client.Storage;

/// <summary>A batch stored before it is sent: its id, sequence and the exact body every attempt sends.</summary>
internal sealed record PreparedBatch(string BatchId, long Sequence, string Body, int Changes);
