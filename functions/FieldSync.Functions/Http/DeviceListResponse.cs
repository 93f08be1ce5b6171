using FieldSync.Core.Devices;

namespace FieldSync.Functions.Http;

/// <summary>A page of the fleet; <see cref="Continuation"/> asks for the next one (with the same filters), null on the last.</summary>
public sealed record DeviceListResponse(IReadOnlyList<DeviceSummary> Value, string? Continuation);
