using System.Text.Json;
using System.Text.Json.Serialization;
using FieldSync.Core.FullDelta;

namespace FieldSync.Functions.Http;

/// <summary>
/// A verify row as <c>["id", version, seq]</c>: a list of thousands of rows is most of a verify answer, and an array
/// without property names is about half the bytes of an object. Answers only, so it reads nothing.
/// </summary>
public sealed class MemberRowConverter : JsonConverter<MemberRow>
{
    public override MemberRow Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => throw new NotSupportedException("Verify rows are written, never read.");

    public override void Write(Utf8JsonWriter writer, MemberRow value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(value.Id);
        writer.WriteNumberValue(value.Version);
        writer.WriteNumberValue(value.Seq);
        writer.WriteEndArray();
    }
}
