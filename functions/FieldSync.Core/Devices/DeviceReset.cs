namespace FieldSync.Core.Devices;

/// <summary>A reset: why (<see cref="DeviceResetReasons"/>), when it was asked for and by whom (an admin's user id; null for a removed device).</summary>
public sealed record DeviceReset(string Reason, DateTimeOffset RequestedOn, string? RequestedBy);
