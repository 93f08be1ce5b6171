namespace FieldSync.Client;

/// <summary>One table of the offline profile as the pull publishes it.</summary>
/// <param name="SyncInterval">The admin's interval for the table.</param>
/// <param name="EffectiveSyncInterval">The shortest of its own and its related tables' intervals: what the server schedules it by (the seed: "A sync interval for a table might not be respected if a related table has a lower sync interval").</param>
public sealed record ProfileTable(string Table, TimeSpan SyncInterval, TimeSpan EffectiveSyncInterval);
