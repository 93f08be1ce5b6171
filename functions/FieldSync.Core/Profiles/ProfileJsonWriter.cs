using System.Text.Encodings.Web;
using System.Text.Json;

namespace FieldSync.Core.Profiles;

/// <summary>Writes a profile back in the format <see cref="ProfileParser"/> reads.</summary>
internal static class ProfileJsonWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Admins read this; filters are full of quotes, which the default encoder would write as \u0027.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(OfflineProfile profile, IReadOnlyList<TableRule> tables)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("id", profile.Id);
            writer.WriteString("name", profile.Name);
            if (profile.Description is not null)
            {
                writer.WriteString("description", profile.Description);
            }
            writer.WriteStartObject("settings");
            if (profile.Settings.ConflictDetectionSet)
            {
                writer.WriteBoolean("conflictDetection", profile.Settings.ConflictDetection);
            }
            writer.WriteBoolean("allowWifiOnlySync", profile.Settings.AllowWifiOnlySync);
            writer.WriteBoolean("allowOnlineMode", profile.Settings.AllowOnlineMode);
            writer.WriteBoolean("allowAdjustSyncFrequency", profile.Settings.AllowAdjustSyncFrequency);
            // Only when set: a profile without online tables keeps the JSON (and so the revision) it had before the setting existed.
            if (profile.Settings.OnlineTables.Count > 0)
            {
                writer.WriteStartArray("onlineTables");
                foreach (var table in profile.Settings.OnlineTables)
                {
                    writer.WriteStringValue(table);
                }
                writer.WriteEndArray();
            }
            writer.WriteNumber("largeSyncThreshold", profile.Settings.LargeSyncThreshold);
            writer.WriteNumber("largeSyncIdleHours", profile.Settings.LargeSyncIdleHours);
            writer.WriteEndObject();
            writer.WriteStartObject("tables");
            foreach (var rule in tables)
            {
                writer.WriteStartObject(rule.Table);
                writer.WriteString("download", ProfileParser.DownloadModeName(rule.Download));
                if (rule.Filter is not null)
                {
                    writer.WriteString("filter", rule.Filter.Text);
                }
                if (rule.RelatedTo.Count > 0)
                {
                    writer.WriteStartArray("relatedTo");
                    foreach (var relationship in rule.RelatedTo)
                    {
                        writer.WriteStringValue(relationship.Text);
                    }
                    writer.WriteEndArray();
                }
                writer.WriteNumber("syncIntervalMinutes", (int)rule.SyncInterval.TotalMinutes);
                writer.WriteBoolean("allowCreate", rule.AllowCreate);
                writer.WriteBoolean("allowUpdate", rule.AllowUpdate);
                writer.WriteBoolean("allowDelete", rule.AllowDelete);
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
