namespace FieldSync.Core.Devices;

/// <summary>
/// The device's unresolved sync errors: rejected or invalid changes recorded since its current database began (its
/// last first sync or reset), with the latest few (newest last). The admin's Sync Errors list has every one.
/// </summary>
public sealed record DeviceSyncErrors(long Count, IReadOnlyList<Push.InboxError> Latest);
