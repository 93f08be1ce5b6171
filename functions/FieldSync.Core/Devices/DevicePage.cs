namespace FieldSync.Core.Devices;

/// <summary>One page of <see cref="IDeviceRegistry.ListAsync"/>; <see cref="Continuation"/> is null on the last.</summary>
public sealed record DevicePage(IReadOnlyList<DeviceRegistration> Devices, string? Continuation);
