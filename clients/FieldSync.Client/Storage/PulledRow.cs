namespace FieldSync.Client.Storage;

/// <summary>A row of a pull, checked: an id, a positive version and the whole row's JSON as the server sent it.</summary>
internal sealed record PulledRow(string Table, string Id, long Version, string Json);
