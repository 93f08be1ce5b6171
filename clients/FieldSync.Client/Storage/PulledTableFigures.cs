namespace FieldSync.Client.Storage;

/// <summary>A table's status from a pull; <see cref="Count"/> and <see cref="Checksum"/> only where the server says they are exact.</summary>
internal sealed record PulledTableFigures(string Table, DateTimeOffset? LastUpdated, DateTimeOffset? NextDueAt, long? Count, string? Checksum);
