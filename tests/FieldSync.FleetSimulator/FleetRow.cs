namespace FieldSync.FleetSimulator;

/// <summary>One record the world seeds: table, id and typed column values, as <c>RecordService.CreateAsync</c> takes them.</summary>
internal sealed record FleetRow(string Table, string Id, IReadOnlyDictionary<string, object?> Values);
