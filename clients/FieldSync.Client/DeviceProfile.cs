using System.Text.Json;

namespace FieldSync.Client;

/// <summary>
/// The offline profile in force, as the last pull that carried one published it: what the user may choose (Wi-Fi
/// only, frequency, online mode and its tables) and each table's intervals. Checked when the pull arrives (hostile
/// until then): a profile that breaks these rules is a <see cref="FieldSyncProtocolException"/> and nothing of that
/// pull is applied.
/// </summary>
public sealed record DeviceProfile(
    string Id,
    string? Name,
    bool AllowWifiOnlySync,
    bool AllowAdjustSyncFrequency,
    bool AllowOnlineMode,
    IReadOnlyList<string> OnlineTables,
    IReadOnlyDictionary<string, ProfileTable> Tables)
{
    private const int MinIntervalMinutes = 5;
    private const int MaxIntervalMinutes = 1440;

    /// <summary>Reads a profile the server sent (docs/sync-protocol.md, "One pull"; docs/profiles.md).</summary>
    /// <exception cref="FieldSyncProtocolException">It is not a profile the protocol allows.</exception>
    public static DeviceProfile Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new FieldSyncProtocolException("The stored profile is not JSON: " + e.Message, e);
        }
    }

    internal static DeviceProfile Parse(JsonElement profile)
    {
        if (profile.ValueKind != JsonValueKind.Object)
        {
            throw Bad("is not an object");
        }
        var id = profile.TryGetProperty("id", out var idValue) && idValue.ValueKind == JsonValueKind.String && idValue.GetString() is { Length: > 0 } text
            ? text : throw Bad("has no id");
        var name = profile.TryGetProperty("name", out var nameValue) && nameValue.ValueKind == JsonValueKind.String ? nameValue.GetString() : null;
        var settings = profile.TryGetProperty("settings", out var s) ? s : default;
        if (settings.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined))
        {
            throw Bad("has settings that are not an object");
        }
        var onlineMode = Flag(settings, "allowOnlineMode");
        var onlineTables = new List<string>();
        if (settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("onlineTables", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(t.GetString())))
            {
                throw Bad("has onlineTables that are not a list of table names");
            }
            // Without online mode no table is open, whatever the list says.
            onlineTables.AddRange(onlineMode ? list.EnumerateArray().Select(t => t.GetString()!) : []);
        }
        var tables = new Dictionary<string, ProfileTable>(StringComparer.Ordinal);
        if (profile.TryGetProperty("tables", out var rules))
        {
            if (rules.ValueKind != JsonValueKind.Object)
            {
                throw Bad("has tables that are not an object");
            }
            foreach (var rule in rules.EnumerateObject())
            {
                var own = Minutes(rule, "syncIntervalMinutes");
                var effective = Minutes(rule, "effectiveSyncIntervalMinutes");
                if (effective > own)
                {
                    throw Bad($"gives {rule.Name} an effective interval ({effective} min) longer than its own ({own} min)");
                }
                tables[rule.Name] = new ProfileTable(rule.Name, TimeSpan.FromMinutes(own), TimeSpan.FromMinutes(effective));
            }
        }
        return new DeviceProfile(id, name, Flag(settings, "allowWifiOnlySync"), Flag(settings, "allowAdjustSyncFrequency"), onlineMode, onlineTables, tables);
    }

    /// <summary>Online mode may read <paramref name="table"/>: the profile allows online mode and lists the table.</summary>
    public bool OpensOnline(string table) => AllowOnlineMode && OnlineTables.Contains(table, StringComparer.Ordinal);

    private static bool Flag(JsonElement settings, string name)
    {
        if (settings.ValueKind != JsonValueKind.Object || !settings.TryGetProperty(name, out var value))
        {
            return false;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad($"has a {name} that is not true or false"),
        };
    }

    private static int Minutes(JsonProperty rule, string name)
        => rule.Value.ValueKind == JsonValueKind.Object && rule.Value.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var minutes)
            && minutes is >= MinIntervalMinutes and <= MaxIntervalMinutes
            ? minutes
            : throw Bad($"gives {rule.Name} no {name} of {MinIntervalMinutes} to {MaxIntervalMinutes}");

    private static FieldSyncProtocolException Bad(string what) => new($"The profile in the pull answer {what}.");
}
