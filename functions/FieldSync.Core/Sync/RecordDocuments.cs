using System.Buffers;
using System.Text;
using System.Text.Json;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;

namespace FieldSync.Core.Sync;

/// <summary>How a record is kept in the feed: its wire JSON (copied into pull responses as is) and its lookups.</summary>
public static class RecordDocuments
{
    public static string ToJson(Record record)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            RecordJson.Write(writer, record);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The record's lookup values, which relationships follow.</summary>
    public static Dictionary<string, string> Links(SchemaCatalog schema, Record record)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        if (schema.TryGetTable(record.Table, out var table))
        {
            foreach (var lookup in table.Lookups)
            {
                if (record.Values.TryGetValue(lookup.Name, out var value) && value is string id)
                {
                    links[lookup.Name] = id;
                }
            }
        }
        return links;
    }
}
