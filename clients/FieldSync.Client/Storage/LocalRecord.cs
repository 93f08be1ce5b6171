using System.Text.Json;

namespace FieldSync.Client.Storage;

/// <summary>A record as the app sees it: the server's row with the device's not yet confirmed changes over it.</summary>
/// <param name="Version">The server version the row is based on; null for a record created on the device and not yet delivered back.</param>
/// <param name="Json">The whole record as JSON (system fields and columns).</param>
/// <param name="HasPendingChanges">Local changes to it are still on their way to the server.</param>
public sealed record LocalRecord(string Table, string Id, long? Version, string Json, bool HasPendingChanges)
{
    /// <summary>The record parsed (a fresh copy each call).</summary>
    public JsonElement Data
    {
        get
        {
            using var document = JsonDocument.Parse(Json);
            return document.RootElement.Clone();
        }
    }
}
