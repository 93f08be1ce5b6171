using System.Text.Json.Serialization;
using FieldSync.Core.FullDelta;

namespace FieldSync.Functions.Http;

/// <summary>
/// The wire form of verify and fetch, generated at build: camelCase, absent values left out, and a request with a field
/// it does not know is refused (a device's typo must not pass silently as a missing field).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    Converters = [typeof(MemberRowConverter)])]
[JsonSerializable(typeof(VerifyRequest))]
[JsonSerializable(typeof(FetchRequest))]
[JsonSerializable(typeof(VerifyResponse))]
[JsonSerializable(typeof(FetchResponse))]
internal sealed partial class FullDeltaJsonContext : JsonSerializerContext;
