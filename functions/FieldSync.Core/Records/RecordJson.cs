using System.Text.Json;

namespace FieldSync.Core.Records;

/// <summary>
/// The wire shape of a record: one flat JSON object with the system fields
/// (<c>id</c>, <c>version</c>, <c>modifiedOn</c>, <c>modifiedBy</c>, and <c>deleted</c> on tombstones)
/// followed by the columns that have a value.
/// </summary>
public static class RecordJson
{
    /// <summary>A page of records as the list APIs answer it: <c>{ "value": [records], "continuation"? }</c>.</summary>
    public static void WritePage(Utf8JsonWriter writer, IEnumerable<Record> records, string? continuation)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("value");
        foreach (var record in records)
        {
            Write(writer, record);
        }
        writer.WriteEndArray();
        if (continuation is not null)
        {
            writer.WriteString("continuation", continuation);
        }
        writer.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter writer, Record record)
    {
        writer.WriteStartObject();
        writer.WriteString("id", record.Id);
        writer.WriteNumber("version", record.Version);
        writer.WritePropertyName("modifiedOn");
        RecordValues.Write(writer, record.ModifiedOn);
        writer.WriteString("modifiedBy", record.ModifiedBy);
        if (record.Deleted)
        {
            writer.WriteBoolean("deleted", true);
        }
        foreach (var (name, value) in record.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(name);
            RecordValues.Write(writer, value);
        }
        writer.WriteEndObject();
    }
}
