namespace FieldSync.Core.Devices;

/// <summary>Device bindings (device id → user) and the fleet view over them.</summary>
public interface IDeviceRegistry
{
    Task<DeviceRegistration?> GetAsync(string deviceId, CancellationToken cancellationToken);

    /// <summary>Binds the device to the user if it is unbound; returns the binding that holds afterwards.</summary>
    Task<DeviceRegistration> BindAsync(string deviceId, string userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a pull; best effort, conditional on the ETag so a reset in between is not undone.</summary>
    Task TouchAsync(DeviceRegistration device, DateTimeOffset now, CancellationToken cancellationToken);

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
}
