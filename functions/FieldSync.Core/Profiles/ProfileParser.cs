using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FieldSync.Core.Schema;

namespace FieldSync.Core.Profiles;

/// <summary>
/// Reads and validates an offline profile document against the schema. Every problem is collected (with the path
/// of the offending property) before anything is built, and any problem rejects the whole profile: applying part
/// of a profile would send devices rows nobody chose. See docs/profiles.md for the format.
/// </summary>
public static partial class ProfileParser
{
    public const int MaxIdLength = 64;
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 2000;
    public const int MinSyncIntervalMinutes = 5;
    public const int MaxSyncIntervalMinutes = 1440;

    private static readonly string[] RootProperties = ["id", "name", "description", "settings", "tables", "$comment"];
    private static readonly string[] SettingsProperties =
        ["conflictDetection", "allowWifiOnlySync", "allowOnlineMode", "allowAdjustSyncFrequency", "onlineTables", "largeSyncThreshold", "largeSyncIdleHours", "$comment"];
    private static readonly string[] TableProperties =
        ["download", "filter", "relatedTo", "syncIntervalMinutes", "allowCreate", "allowUpdate", "allowDelete", "$comment"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses and validates a profile; throws <see cref="ProfileValidationException"/> listing every problem.</summary>
    public static OfflineProfile Parse(string json, SchemaCatalog schema)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(schema);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ProfileValidationException([new ProfileError("$", $"not valid JSON: {ex.Message}")]);
        }
        using (document)
        {
            var reader = new Reader(schema);
            var profile = reader.Read(document.RootElement);
            if (profile is null || reader.Errors.Count > 0)
            {
                throw new ProfileValidationException(reader.Errors);
            }
            return profile;
        }
    }

    internal static string DownloadModeName(DownloadMode mode) => mode switch
    {
        DownloadMode.All => "all",
        DownloadMode.Filter => "filter",
        DownloadMode.Related => "related",
        _ => "none",
    };

    private static bool TryParseDownloadMode(string? text, out DownloadMode mode)
    {
        (var ok, mode) = text switch
        {
            "all" => (true, DownloadMode.All),
            "filter" => (true, DownloadMode.Filter),
            "related" => (true, DownloadMode.Related),
            "none" => (true, DownloadMode.None),
            _ => (false, DownloadMode.None),
        };
        return ok;
    }

    /// <summary>Whether <paramref name="id"/> is a valid profile id (it becomes a Table row key and a URL segment).</summary>
    public static bool IsValidId(string? id) => id is not null && ProfileId().IsMatch(id);

    // \z, not $: $ also matches before a final newline, and a profile id becomes a storage key.
    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,63}\z")]
    private static partial Regex ProfileId();

    /// <summary>A table rule as read, before relationships are resolved and derived facts computed.</summary>
    private sealed class TableDraft(string table, string path)
    {
        public string Table { get; } = table;
        public string Path { get; } = path;
        public DownloadMode? Download { get; set; }
        public RowFilter? Filter { get; set; }
        public List<(string Text, string Path)> RelatedToText { get; } = [];
        public List<Relationship> RelatedTo { get; } = [];
        public int? SyncIntervalMinutes { get; set; }
        public bool AllowCreate { get; set; }
        public bool AllowUpdate { get; set; }
        public bool AllowDelete { get; set; }
    }

    private sealed class Reader(SchemaCatalog schema)
    {
        public List<ProfileError> Errors { get; } = [];

        public OfflineProfile? Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("$", "the document must be a JSON object");
                return null;
            }
            CheckProperties(root, "", RootProperties);

            var id = ReadString(root, "", "id", required: true);
            if (id is not null && !ProfileId().IsMatch(id))
            {
                Error("id", $"'{id}' is not a valid profile id: 1-{MaxIdLength} characters of a-z, 0-9 and '-', starting with a letter");
            }
            var name = ReadString(root, "", "name", required: true);
            if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength))
            {
                Error("name", $"'name' must be 1-{MaxNameLength} characters and not blank");
            }
            var description = ReadString(root, "", "description", required: false);
            if (description is not null && description.Length > MaxDescriptionLength)
            {
                Error("description", $"'description' is {description.Length} characters; at most {MaxDescriptionLength} are allowed");
            }
            var settings = ReadSettings(root);
            var drafts = ReadTables(root);
            ResolveRelationships(drafts);
            FindCycles(drafts);

            return Errors.Count == 0 ? Build(id!, name!, description, settings, drafts) : null;
        }

        private ProfileSettings ReadSettings(JsonElement root)
        {
            var defaults = ProfileSettings.Default;
            if (!root.TryGetProperty("settings", out var element))
            {
                return defaults;
            }
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error("settings", "'settings' must be an object");
                return defaults;
            }
            CheckProperties(element, "settings", SettingsProperties);
            var allowOnlineMode = ReadBool(element, "settings", "allowOnlineMode", defaults.AllowOnlineMode);
            return new ProfileSettings(
                ReadBool(element, "settings", "conflictDetection", defaults.ConflictDetection),
                ReadBool(element, "settings", "allowWifiOnlySync", defaults.AllowWifiOnlySync),
                allowOnlineMode,
                ReadInt(element, "settings", "largeSyncThreshold", ProfileSettings.MinLargeSyncThreshold, ProfileSettings.MaxLargeSyncThreshold)
                    ?? defaults.LargeSyncThreshold,
                ReadInt(element, "settings", "largeSyncIdleHours", ProfileSettings.MinLargeSyncIdleHours, ProfileSettings.MaxLargeSyncIdleHours)
                    ?? defaults.LargeSyncIdleHours)
            {
                ConflictDetectionSet = element.TryGetProperty("conflictDetection", out var stated) && stated.ValueKind is JsonValueKind.True or JsonValueKind.False,
                AllowAdjustSyncFrequency = ReadBool(element, "settings", "allowAdjustSyncFrequency", defaults.AllowAdjustSyncFrequency),
                OnlineTables = ReadOnlineTables(element, allowOnlineMode),
            };
        }

        /// <summary>
        /// <c>settings.onlineTables</c>: schema tables, each once. A list with online mode off is refused rather than
        /// ignored: the admin meant something, and turning online mode on later would open those tables unannounced.
        /// </summary>
        private string[] ReadOnlineTables(JsonElement settings, bool allowOnlineMode)
        {
            const string path = "settings.onlineTables";
            if (!settings.TryGetProperty("onlineTables", out var list))
            {
                return [];
            }
            if (list.ValueKind != JsonValueKind.Array)
            {
                Error(path, $"'onlineTables' must be an array of table names; got {Show(list)}");
                return [];
            }
            var tables = new List<string>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]");
                if (item.ValueKind != JsonValueKind.String)
                {
                    Error(itemPath, $"each online table must be a table name; got {Show(item)}");
                }
                else if (item.GetString() is var name && !schema.TryGetTable(name!, out _))
                {
                    Error(itemPath, $"'{name}' is not a table of the schema; the tables are {string.Join(", ", schema.Tables.Keys.Order(StringComparer.Ordinal))}");
                }
                else if (tables.Contains(name!, StringComparer.Ordinal))
                {
                    Error(itemPath, $"'{name}' is listed more than once");
                }
                else
                {
                    tables.Add(name!);
                }
            }
            if (index > 0 && !allowOnlineMode)
            {
                Error(path, "'onlineTables' opens tables to online mode, which needs 'allowOnlineMode': true; set it, or leave the list out");
            }
            return [.. tables];
        }

        private List<TableDraft> ReadTables(JsonElement root)
        {
            var drafts = new List<TableDraft>();
            if (!root.TryGetProperty("tables", out var tables) || tables.ValueKind != JsonValueKind.Object)
            {
                Error("tables", "'tables' is required: an object of table name to table rule");
                return drafts;
            }
            var listed = 0;
            foreach (var property in tables.EnumerateObject())
            {
                listed++;
                var path = $"tables.{property.Name}";
                if (drafts.Any(d => d.Table == property.Name))
                {
                    Error(path, $"'{property.Name}' is listed more than once");
                }
                else if (!schema.TryGetTable(property.Name, out var table))
                {
                    Error(path, $"'{property.Name}' is not a table of the schema; the tables are {string.Join(", ", schema.Tables.Keys.Order(StringComparer.Ordinal))}");
                }
                else if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    Error(path, "a table rule must be an object");
                }
                else
                {
                    drafts.Add(ReadTable(table, property.Value, path));
                }
            }
            if (drafts.Count == listed && drafts.All(d => d.Download == DownloadMode.None))
            {
                Error("tables", "the profile carries no table: give at least one table download all, filter or related");
            }
            return drafts;
        }

        private TableDraft ReadTable(TableSchema table, JsonElement element, string path)
        {
            CheckProperties(element, path, TableProperties);
            var draft = new TableDraft(table.Name, path);
            if (!element.TryGetProperty("download", out var download))
            {
                Error($"{path}.download", "'download' is required: all, filter, related or none");
            }
            else if (download.ValueKind != JsonValueKind.String || !TryParseDownloadMode(download.GetString(), out var mode))
            {
                Error($"{path}.download", $"'download' must be all, filter, related or none; got {Show(download)}");
            }
            else
            {
                draft.Download = mode;
            }

            if (draft.Download == DownloadMode.None)
            {
                // The device does not carry the table, so anything else said about it is a mistake.
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is not ("download" or "$comment") && TableProperties.Contains(property.Name))
                    {
                        Error($"{path}.{property.Name}", $"'{property.Name}' does not apply to a table with download 'none', which devices do not carry");
                    }
                }
                return draft;
            }

            ReadFilter(table, element, path, draft);
            ReadRelatedTo(element, path, draft);
            draft.SyncIntervalMinutes = ReadInt(element, path, "syncIntervalMinutes", MinSyncIntervalMinutes, MaxSyncIntervalMinutes);
            if (!element.TryGetProperty("syncIntervalMinutes", out _))
            {
                Error($"{path}.syncIntervalMinutes", $"'syncIntervalMinutes' is required: {MinSyncIntervalMinutes} to {MaxSyncIntervalMinutes} (one day)");
            }
            draft.AllowCreate = ReadBool(element, path, "allowCreate", false);
            draft.AllowUpdate = ReadBool(element, path, "allowUpdate", false);
            draft.AllowDelete = ReadBool(element, path, "allowDelete", false);
            return draft;
        }

        private void ReadFilter(TableSchema table, JsonElement element, string path, TableDraft draft)
        {
            var filterPath = $"{path}.filter";
            if (!element.TryGetProperty("filter", out var filter))
            {
                if (draft.Download == DownloadMode.Filter)
                {
                    Error(filterPath, "download 'filter' needs a 'filter': an OData $filter expression over the table's columns");
                }
                return;
            }
            if (draft.Download == DownloadMode.All)
            {
                Error(filterPath, "'filter' applies only to download 'filter' or 'related'; download 'all' carries every row");
                return;
            }
            if (filter.ValueKind != JsonValueKind.String)
            {
                Error(filterPath, $"'filter' must be a string: an OData $filter expression; got {Show(filter)}");
                return;
            }
            var errors = new List<string>();
            draft.Filter = FilterCompiler.Compile(filter.GetString()!, table, schema, errors);
            foreach (var error in errors)
            {
                Error(filterPath, error);
            }
        }

        private void ReadRelatedTo(JsonElement element, string path, TableDraft draft)
        {
            var relatedPath = $"{path}.relatedTo";
            if (!element.TryGetProperty("relatedTo", out var related))
            {
                if (draft.Download == DownloadMode.Related)
                {
                    Error(relatedPath, "download 'related' needs 'relatedTo': the lookups, as \"table.column\", that link this table to carried tables");
                }
                return;
            }
            if (draft.Download is not (DownloadMode.Related or null))
            {
                Error(relatedPath, $"'relatedTo' applies only to download 'related', not '{DownloadModeName(draft.Download.Value)}'");
                return;
            }
            if (related.ValueKind != JsonValueKind.Array || related.GetArrayLength() == 0)
            {
                Error(relatedPath, "'relatedTo' must be a non-empty array of \"table.column\" strings");
                return;
            }
            var index = 0;
            foreach (var item in related.EnumerateArray())
            {
                var itemPath = string.Create(CultureInfo.InvariantCulture, $"{relatedPath}[{index++}]");
                if (item.ValueKind != JsonValueKind.String)
                {
                    Error(itemPath, $"each relationship must be a \"table.column\" string; got {Show(item)}");
                }
                else
                {
                    draft.RelatedToText.Add((item.GetString()!, itemPath));
                }
            }
        }

        /// <summary>Turns each "table.column" into a relationship once every table's download mode is known.</summary>
        private void ResolveRelationships(List<TableDraft> drafts)
        {
            foreach (var draft in drafts.Where(d => d.Download == DownloadMode.Related))
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (text, path) in draft.RelatedToText)
                {
                    if (!seen.Add(text))
                    {
                        Error(path, $"'{text}' is listed more than once");
                    }
                    else if (Resolve(draft.Table, text, path, drafts) is { } relationship)
                    {
                        draft.RelatedTo.Add(relationship);
                    }
                }
            }
        }

        private Relationship? Resolve(string table, string text, string path, List<TableDraft> drafts)
        {
            var parts = text.Split('.');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                Error(path, $"'{text}' must be \"table.column\" naming a lookup column, e.g. \"bookableresourcebooking.workorder\"");
                return null;
            }
            var (columnTableName, columnName) = (parts[0], parts[1]);
            if (!schema.TryGetTable(columnTableName, out var columnTable))
            {
                Error(path, $"'{columnTableName}' is not a table of the schema");
                return null;
            }
            if (!columnTable.TryGetColumn(columnName, out var column))
            {
                Error(path, $"'{columnTableName}' has no column '{columnName}'");
                return null;
            }
            if (column.Type != ColumnType.Lookup)
            {
                Error(path, $"'{text}' is a {column.Type.ToString().ToLowerInvariant()} column, not a lookup; a relationship follows a lookup column");
                return null;
            }
            var target = column.Target!;
            Relationship relationship;
            if (columnTableName == table && target == table)
            {
                Error(path, $"'{text}' links '{table}' to itself; a table cannot be related to itself");
                return null;
            }
            else if (columnTableName == table)
            {
                relationship = new Relationship(table, target, columnName, RelationshipDirection.References);
            }
            else if (target == table)
            {
                relationship = new Relationship(table, columnTableName, columnName, RelationshipDirection.ReferencedBy);
            }
            else
            {
                Error(path, $"'{text}' links '{columnTableName}' to '{target}', not to '{table}'. A relationship of '{table}' is a lookup of another table "
                    + $"that points to '{table}', or a lookup of '{table}' itself; the candidates are {string.Join(", ", Candidates(table))}");
                return null;
            }
            var other = drafts.Find(d => d.Table == relationship.OtherTable);
            if (other is null || other.Download == DownloadMode.None)
            {
                Error(path, $"'{text}' follows '{relationship.OtherTable}', which the profile does not carry; give '{relationship.OtherTable}' download all, filter or related");
                return null;
            }
            return relationship;
        }

        /// <summary>Every "table.column" that could relate <paramref name="table"/> to another table, for error messages.</summary>
        private IEnumerable<string> Candidates(string table)
        {
            foreach (var other in schema.Tables.Values.Where(t => t.Name != table))
            {
                foreach (var lookup in other.Lookups.Where(c => c.Target == table))
                {
                    yield return $"{other.Name}.{lookup.Name}";
                }
            }
            foreach (var lookup in schema.Tables[table].Lookups.Where(c => c.Target != table))
            {
                yield return $"{table}.{lookup.Name}";
            }
        }

        /// <summary>
        /// A table whose rows follow, directly or through others, from its own rows could never be decided (which
        /// rows come first?), so cycles are rejected with the path that closes them.
        /// </summary>
        private void FindCycles(List<TableDraft> drafts)
        {
            var dependsOn = drafts.ToDictionary(d => d.Table, d => d.RelatedTo.Select(r => r.OtherTable).Distinct().ToList(), StringComparer.Ordinal);
            var done = new HashSet<string>(StringComparer.Ordinal);
            var stack = new List<string>();
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var draft in drafts)
            {
                Visit(draft.Table);
            }

            void Visit(string table)
            {
                if (done.Contains(table))
                {
                    return;
                }
                var onStack = stack.IndexOf(table);
                if (onStack >= 0)
                {
                    var cycle = stack[onStack..];
                    // Report a cycle once, starting from the table the document lists first, whichever table the walk entered it by.
                    var start = cycle.IndexOf(cycle.MinBy(t => drafts.FindIndex(d => d.Table == t))!);
                    var rotated = cycle[start..].Concat(cycle[..start]).ToList();
                    if (reported.Add(string.Join(" ", rotated)))
                    {
                        Error($"tables.{rotated[0]}.relatedTo",
                            $"the relationships form a cycle: {string.Join(" → ", rotated.Append(rotated[0]))}; a table cannot depend on itself, even through other tables");
                    }
                    return;
                }
                stack.Add(table);
                foreach (var next in dependsOn.GetValueOrDefault(table) ?? [])
                {
                    Visit(next);
                }
                stack.RemoveAt(stack.Count - 1);
                done.Add(table);
            }
        }

        private static OfflineProfile Build(string id, string name, string? description, ProfileSettings settings, List<TableDraft> drafts)
        {
            var carried = drafts.Where(d => d.Download != DownloadMode.None).ToList();

            // Dependency order, ties kept in document order; validation guarantees no cycle and that every
            // dependency is carried, so a next table always exists.
            var ordered = new List<TableDraft>();
            var placed = new HashSet<string>(StringComparer.Ordinal);
            while (ordered.Count < carried.Count)
            {
                var next = carried.First(d => !placed.Contains(d.Table) && d.RelatedTo.All(r => placed.Contains(r.OtherTable)));
                ordered.Add(next);
                placed.Add(next.Table);
            }

            var rules = new Dictionary<string, TableRule>(StringComparer.Ordinal);
            foreach (var draft in ordered)
            {
                var dependencies = draft.RelatedTo.Select(r => rules[r.OtherTable]).ToList();
                var own = TimeSpan.FromMinutes(draft.SyncIntervalMinutes!.Value);
                // Related rows must arrive with the rows they follow, so a table syncs at least as often as its sources.
                var effective = dependencies.Select(d => d.EffectiveSyncInterval).Append(own).Min();
                var userScoped = draft.Filter?.UsesUserParameters == true || dependencies.Any(d => d.IsUserScoped);
                rules[draft.Table] = new TableRule(
                    draft.Table,
                    draft.Download!.Value,
                    draft.Filter,
                    draft.RelatedTo.AsReadOnly(),
                    own,
                    effective,
                    draft.AllowCreate,
                    draft.AllowUpdate,
                    draft.AllowDelete,
                    userScoped);
            }
            return new OfflineProfile(
                id,
                name,
                description,
                settings,
                carried.Select(d => rules[d.Table]).ToList().AsReadOnly(),
                ordered.Select(d => rules[d.Table]).ToList().AsReadOnly());
        }

        // ---- JSON helpers --------------------------------------------------------------------------------------

        private void CheckProperties(JsonElement element, string path, string[] allowed)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var propertyPath = Join(path, property.Name);
                if (!seen.Add(property.Name))
                {
                    Error(propertyPath, $"'{property.Name}' appears more than once");
                }
                else if (!allowed.Contains(property.Name, StringComparer.Ordinal))
                {
                    Error(propertyPath, $"unknown property '{property.Name}'; the properties here are {string.Join(", ", allowed)}");
                }
                else if (property.Name == "$comment" && property.Value.ValueKind != JsonValueKind.String)
                {
                    Error(propertyPath, "'$comment' must be a string");
                }
            }
        }

        private string? ReadString(JsonElement element, string path, string name, bool required)
        {
            if (!element.TryGetProperty(name, out var value) || (!required && value.ValueKind == JsonValueKind.Null))
            {
                if (required)
                {
                    Error(Join(path, name), $"'{name}' is required");
                }
                return null;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                Error(Join(path, name), $"'{name}' must be a string; got {Show(value)}");
                return null;
            }
            return value.GetString();
        }

        private bool ReadBool(JsonElement element, string path, string name, bool defaultValue)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                return defaultValue;
            }
            if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Error(Join(path, name), $"'{name}' must be true or false; got {Show(value)}");
                return defaultValue;
            }
            return value.GetBoolean();
        }

        private int? ReadInt(JsonElement element, string path, string name, int min, int max)
        {
            if (!element.TryGetProperty(name, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < min || number > max)
            {
                Error(Join(path, name), $"'{name}' must be a whole number from {min} to {max}; got {Show(value)}");
                return null;
            }
            return number;
        }

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        private static string Show(JsonElement value)
        {
            var text = value.GetRawText();
            return text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
        }

        private void Error(string path, string message) => Errors.Add(new ProfileError(path, message));
    }
}
