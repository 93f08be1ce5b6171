using FieldSync.Core.Devices;

namespace FieldSync.Functions.Http;

/// <summary>The answer to an admin reset: the device's next pull carries it out.</summary>
public sealed record DeviceResetResponse(string DeviceId, DeviceReset Reset);
