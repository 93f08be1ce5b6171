namespace FieldSync.Core.Devices;

/// <summary>
/// How a device stands (the technician's Offline Status / Device Status page, and the admin's view of one device):
/// connected is implicit (the device is asking). Built from the device record, the device's inbox head and its profile.
/// </summary>
/// <param name="SyncInProgress">The last pull left more pages to download (a first sync not finished, or a delta with more).</param>
/// <param name="Tables">Per table: last updated, next due (accurate to the hour for idle pulls), rows, checksum matched.</param>
/// <param name="PendingReset">An admin reset the device has not picked up yet.</param>
public sealed record DeviceStatus(
    string DeviceId,
    string UserId,
    DateTimeOffset RegisteredOn,
    DateTimeOffset LastSeenOn,
    bool SyncInProgress,
    DevicePull? LastPull,
    DevicePush? LastPush,
    string? AppVersion,
    string? Platform,
    string? ProfileId,
    string? ProfileRevision,
    PendingUploads PendingUploads,
    DeviceSyncErrors SyncErrors,
    IReadOnlyDictionary<string, DeviceTableStatus> Tables,
    DeviceSyncSettings Settings,
    DeviceReset? PendingReset,
    long Generation);
