using System.Text.Json;

namespace FieldSync.Client.Storage;

/// <summary>A row from the server (a pull's upsert, an online read), checked: an id, a positive version and the whole row's JSON as the server sent it.</summary>
internal sealed record PulledRow(string Table, string Id, long Version, string Json)
{
    /// <exception cref="FieldSyncProtocolException">Not an object with a string id and a positive integer version.</exception>
    public static PulledRow Read(string table, JsonElement row)
    {
        if (row.ValueKind != JsonValueKind.Object
            || !row.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString())
            || !row.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt64(out var v) || v < 1)
        {
            throw new FieldSyncProtocolException($"A row of {table} has no id or no positive integer version: {Shorten(row.GetRawText())}");
        }
        return new PulledRow(table, id.GetString()!, v, row.GetRawText());
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
