namespace FieldSync.Client.Scheduling;

/// <summary>When one table is next due on the device's clock (the server's <c>nextDueAt</c> moved by the clocks' difference).</summary>
/// <param name="EffectiveSyncInterval">The profile's effective interval for the table; null when the profile does not name it.</param>
public sealed record TableSchedule(string Table, DateTimeOffset DueAt, TimeSpan? EffectiveSyncInterval);
