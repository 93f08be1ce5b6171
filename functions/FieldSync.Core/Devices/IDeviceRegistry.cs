namespace FieldSync.Core.Devices;

/// <summary>Device records (device id → user, and how the device stands) and the fleet view over them.</summary>
public interface IDeviceRegistry
{
    Task<DeviceRegistration?> GetAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Binds the device to the user if it is unbound; returns the binding that holds afterwards.</summary>
    Task<DeviceRegistration> BindAsync(string deviceId, string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The devices bound to a user, from the user's index (a point range, never a scan). An index entry whose device
    /// is gone or belongs to someone else (a bind that lost a race, a crash before the device row) is deleted here.
    /// </summary>
    Task<IReadOnlyList<DeviceRegistration>> ListByUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// A page of devices, newest storage order, filtered by user and by last seen. Without a user this scans the device
    /// table a page at a time (an admin listing, never a sync path). An unreadable continuation throws
    /// <see cref="Records.InvalidContinuationException"/>.
    /// </summary>
    Task<DevicePage> ListAsync(DeviceQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Unbinds the device: deletes its row (conditional on <see cref="DeviceRegistration.ETag"/>, so a device seen
    /// meanwhile is not removed) and its entry in the user's index. False when the row changed or is gone.
    /// </summary>
    Task<bool> RemoveAsync(DeviceRegistration device, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the record <paramref name="change"/> makes of <paramref name="device"/>, conditional on its ETag. When the
    /// row changed meanwhile (a push, an admin reset) the change is applied again to the row as it is now, a few times;
    /// it must therefore keep what others wrote (e.g. a reset asked for meanwhile). Returns the record as written, or
    /// null when the device is gone or the row kept changing.
    /// </summary>
    Task<DeviceRegistration?> UpdateAsync(DeviceRegistration device, Func<DeviceRegistration, DeviceRegistration> change, CancellationToken cancellationToken);

    /// <summary>Marks the device for an admin reset (its next pull carries it out). False when the device is not registered.</summary>
    Task<bool> RequestResetAsync(string deviceId, DeviceReset reset, CancellationToken cancellationToken);

    /// <summary>
    /// Records, per table, whether the counts and checksums the device reported matched the server's (a full delta sync
    /// or a pull's holdings). Tables not named keep what they had. False when the device is not registered.
    /// </summary>
    Task<bool> RecordIntegrityAsync(string deviceId, IReadOnlyDictionary<string, bool> matched, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The stale-device removal's position (one row), or null before its first run.</summary>
    Task<DeviceCleanupCursor?> GetCleanupCursorAsync(CancellationToken cancellationToken);

    /// <summary>Moves the removal's position if it is still <paramref name="expected"/> (null: never set); false when another run moved it first.</summary>
    Task<bool> TrySetCleanupCursorAsync(DeviceCleanupCursor position, DeviceCleanupCursor? expected, CancellationToken cancellationToken);
}
