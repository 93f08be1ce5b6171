using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Functions.Http;

/// <summary>Writes a <see cref="FeedDocument"/> raw; answers only, so it reads nothing.</summary>
public sealed class FeedDocumentConverter : JsonConverter<FeedDocument>
{
    public override FeedDocument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => throw new NotSupportedException("Feed documents are written, never read.");

    public override void Write(Utf8JsonWriter writer, FeedDocument value, JsonSerializerOptions options)
        => writer.WriteRawValue(value.Json, skipInputValidation: true);
}
