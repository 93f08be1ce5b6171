using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Core.Push;

/// <summary>
/// A batch's changes in one canonical form: the UTF-8 JSON the inbox stores, and a hash of it with the sequence, so a
/// batch id re-sent with other content is told apart from a true re-send (same changes, whatever the whitespace).
/// Text is not escaped beyond what JSON needs, so the stored form is never larger than what the device sent.
/// </summary>
public static class BatchContent
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] Serialize(IReadOnlyList<PushChange> changes) => JsonSerializer.SerializeToUtf8Bytes(changes, Json);

    public static List<PushChange> Deserialize(ReadOnlySpan<byte> utf8) => JsonSerializer.Deserialize<List<PushChange>>(utf8, Json) ?? [];

    /// <summary>SHA-256 of the sequence and the canonical changes, as hex.</summary>
    public static string Hash(long sequence, IReadOnlyList<PushChange> changes)
    {
        var content = Serialize(changes);
        var prefix = System.Text.Encoding.UTF8.GetBytes(sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        return Convert.ToHexStringLower(SHA256.HashData([.. prefix, .. content]));
    }
}
