using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Client.Wire;

/// <summary>The SDK's wire contracts, serialized by code generated at build (no reflection; trimming-safe for mobile apps).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PullRequestBody))]
[JsonSerializable(typeof(PullResponseBody))]
[JsonSerializable(typeof(PushRequestBody))]
[JsonSerializable(typeof(PushReceiptBody))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(DeviceStatusBody))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(OnlinePageBody))]
[JsonSerializable(typeof(VerifyRequestBody))]
[JsonSerializable(typeof(VerifyResponseBody))]
[JsonSerializable(typeof(FetchRequestBody))]
[JsonSerializable(typeof(FetchResponseBody))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
