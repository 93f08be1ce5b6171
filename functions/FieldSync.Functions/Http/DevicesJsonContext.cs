using System.Text.Json.Serialization;
using FieldSync.Core.Devices;

namespace FieldSync.Functions.Http;

/// <summary>The wire form of the device status and fleet answers: camelCase, absent values left out, generated at build.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceStatus))]
[JsonSerializable(typeof(DeviceListResponse))]
[JsonSerializable(typeof(DeviceResetResponse))]
internal sealed partial class DevicesJsonContext : JsonSerializerContext;
