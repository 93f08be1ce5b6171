using System.Text.Json;
using System.Text.RegularExpressions;
using FieldSync.Core.Records;

namespace FieldSync.Core.Schema;

/// <summary>
/// The declared tables: loaded from a versioned JSON file and validated as a whole at start-up, so a bad
/// schema stops the app with every problem listed instead of failing on the first request that meets it.
/// </summary>
public sealed partial class SchemaCatalog
{
    public const string DefaultResourceName = "FieldSync.Core.Schema.field-service.schema.v1.json";
    public const int MaxColumnsPerTable = 200;
    public const int MaxStringLength = 32_000; // Azure Tables caps a string property at 64 KiB of UTF-16.
    /// <summary>Values of an indexed string column are part of a row key (at most 1 KiB); see <see cref="LookupIndex"/>.</summary>
    public const int MaxIndexedStringLength = 256;
    /// <summary>A record, its marker and two index actions per indexed column must fit a 100-action transaction.</summary>
    public const int MaxIndexedColumnsPerTable = 40;

    /// <summary>Column names that would collide with the system fields of every record.</summary>
    public static readonly IReadOnlySet<string> ReservedColumnNames =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "id", "version", "modifiedon", "modifiedby", "deleted" };

    private SchemaCatalog(int version, IReadOnlyDictionary<string, TableSchema> tables)
    {
        Version = version;
        Tables = tables;
    }

    public int Version { get; }

    public IReadOnlyDictionary<string, TableSchema> Tables { get; }

    public bool TryGetTable(string name, out TableSchema table) => Tables.TryGetValue(name, out table!);

    /// <summary>Whether <paramref name="name"/> has the form every table name has (it may still not be declared).</summary>
    public static bool IsValidTableName(string? name) => name is not null && TableName().IsMatch(name);

    /// <summary>The field-service schema shipped inside this assembly.</summary>
    public static SchemaCatalog LoadDefault()
    {
        using var stream = typeof(SchemaCatalog).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"Embedded schema '{DefaultResourceName}' is missing from the build.");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), DefaultResourceName);
    }

    public static SchemaCatalog LoadFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses and validates a schema document; throws <see cref="SchemaValidationException"/> listing every error.</summary>
    public static SchemaCatalog Parse(string json, string source = "schema")
    {
        var errors = new List<string>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new SchemaValidationException(source, [$"not valid JSON: {ex.Message}"]);
        }
        using (document)
        {
            var root = document.RootElement;
            var version = 0;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SchemaValidationException(source, ["the document must be a JSON object"]);
            }
            if (!root.TryGetProperty("schemaVersion", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out version) || version < 1)
            {
                errors.Add("'schemaVersion' must be a positive integer");
            }
            var tables = new Dictionary<string, TableSchema>(StringComparer.Ordinal);
            if (!root.TryGetProperty("tables", out var tablesElement) || tablesElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("'tables' must be an object of table name to table");
            }
            else
            {
                foreach (var t in tablesElement.EnumerateObject())
                {
                    if (ParseTable(t.Name, t.Value, errors) is { } table)
                    {
                        tables[table.Name] = table;
                    }
                }
                if (tables.Count == 0 && errors.Count == 0)
                {
                    errors.Add("'tables' declares no table");
                }
            }
            foreach (var table in tables.Values)
            {
                foreach (var lookup in table.Lookups)
                {
                    if (!tables.ContainsKey(lookup.Target!))
                    {
                        errors.Add($"{table.Name}.{lookup.Name}: lookup target '{lookup.Target}' is not a declared table");
                    }
                }
            }
            if (errors.Count > 0)
            {
                throw new SchemaValidationException(source, errors);
            }
            return new SchemaCatalog(version, tables);
        }
    }

    private static TableSchema? ParseTable(string name, JsonElement element, List<string> errors)
    {
        var before = errors.Count;
        if (!TableName().IsMatch(name))
        {
            errors.Add($"table '{name}': a table name must be 3-63 lower-case letters or digits, starting with a letter");
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"table '{name}': must be an object");
            return null;
        }
        var displayName = OptionalString(element, "displayName") ?? name;
        var primaryName = OptionalString(element, "primaryName");
        var columns = new Dictionary<string, ColumnSchema>(StringComparer.Ordinal);
        if (!element.TryGetProperty("columns", out var columnsElement) || columnsElement.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"table '{name}': 'columns' must be an object of column name to column");
        }
        else
        {
            foreach (var c in columnsElement.EnumerateObject())
            {
                if (ParseColumn(name, c.Name, c.Value, errors) is { } column)
                {
                    columns[column.Name] = column;
                }
            }
            if (columns.Count > MaxColumnsPerTable)
            {
                errors.Add($"table '{name}': {columns.Count} columns; at most {MaxColumnsPerTable} are allowed");
            }
            if (columns.Values.Count(c => c.Indexed) is var indexed && indexed > MaxIndexedColumnsPerTable)
            {
                errors.Add($"table '{name}': {indexed} indexed columns (lookups, dates, times and indexed strings); at most {MaxIndexedColumnsPerTable} are allowed, "
                    + "because a write that changes all of them must fit one storage transaction");
            }
        }
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("displayName" or "primaryName" or "columns" or "$comment"))
            {
                errors.Add($"table '{name}': unknown property '{property.Name}'");
            }
        }
        if (primaryName is null)
        {
            errors.Add($"table '{name}': 'primaryName' must name its primary name column");
        }
        else if (!columns.TryGetValue(primaryName, out var primary) || primary.Type != ColumnType.String)
        {
            errors.Add($"table '{name}': primaryName '{primaryName}' must be a string column of the table");
        }
        return errors.Count == before ? new TableSchema(name, displayName, primaryName!, columns) : null;
    }

    private static ColumnSchema? ParseColumn(string table, string name, JsonElement element, List<string> errors)
    {
        var where = $"{table}.{name}";
        var before = errors.Count;
        if (!ColumnName().IsMatch(name))
        {
            errors.Add($"{where}: a column name must be 1-64 lower-case letters, digits or '_', starting with a letter");
        }
        if (ReservedColumnNames.Contains(name))
        {
            errors.Add($"{where}: '{name}' is a system field of every record and cannot be a column");
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where}: must be an object");
            return null;
        }
        var typeText = OptionalString(element, "type");
        if (typeText is null || !TryParseType(typeText, out var type))
        {
            errors.Add($"{where}: 'type' must be one of string, integer, decimal, double, boolean, datetime, date, choice, lookup");
            return null;
        }
        var required = element.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
        if (element.TryGetProperty("required", out r) && r.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add($"{where}: 'required' must be true or false");
        }
        int? maxLength = null;
        if (element.TryGetProperty("maxLength", out var ml))
        {
            if (type != ColumnType.String)
            {
                errors.Add($"{where}: 'maxLength' applies to string columns only");
            }
            else if (ml.ValueKind != JsonValueKind.Number || !ml.TryGetInt32(out var m) || m < 1 || m > MaxStringLength)
            {
                errors.Add($"{where}: 'maxLength' must be a whole number from 1 to {MaxStringLength}");
            }
            else
            {
                maxLength = m;
            }
        }
        else if (type == ColumnType.String)
        {
            errors.Add($"{where}: a string column must declare 'maxLength' (1 to {MaxStringLength})");
        }
        var target = OptionalString(element, "target");
        if (type == ColumnType.Lookup && target is null)
        {
            errors.Add($"{where}: a lookup column must name its 'target' table");
        }
        else if (type != ColumnType.Lookup && target is not null)
        {
            errors.Add($"{where}: 'target' applies to lookup columns only");
        }
        var indexed = false;
        if (element.TryGetProperty("indexed", out var ix))
        {
            if (ix.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                errors.Add($"{where}: 'indexed' must be true or false");
            }
            else if (ix.ValueKind == JsonValueKind.True && type != ColumnType.String)
            {
                errors.Add($"{where}: 'indexed' applies to string columns only (lookup, date and datetime columns are always indexed)");
            }
            else if (ix.ValueKind == JsonValueKind.True && maxLength > MaxIndexedStringLength)
            {
                errors.Add($"{where}: an indexed string column may be at most {MaxIndexedStringLength} characters long (its values are part of a storage key)");
            }
            else
            {
                indexed = ix.ValueKind == JsonValueKind.True;
            }
        }
        var options = new List<ChoiceOption>();
        if (element.TryGetProperty("options", out var optionsElement))
        {
            if (type != ColumnType.Choice)
            {
                errors.Add($"{where}: 'options' applies to choice columns only");
            }
            else if (optionsElement.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{where}: 'options' must be an array of {{ value, label }}");
            }
            else
            {
                foreach (var o in optionsElement.EnumerateArray())
                {
                    if (o.ValueKind == JsonValueKind.Object && o.TryGetProperty("value", out var ov) && ov.ValueKind == JsonValueKind.Number && ov.TryGetInt32(out var value)
                        && OptionalString(o, "label") is { } label)
                    {
                        if (options.Any(x => x.Value == value))
                        {
                            errors.Add($"{where}: option value {value} appears twice");
                        }
                        options.Add(new ChoiceOption(value, label));
                    }
                    else
                    {
                        errors.Add($"{where}: each option must be {{ \"value\": <int>, \"label\": <string> }}");
                    }
                }
            }
        }
        if (type == ColumnType.Choice && options.Count == 0)
        {
            errors.Add($"{where}: a choice column must declare at least one option");
        }
        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is not ("type" or "displayName" or "required" or "maxLength" or "target" or "options" or "indexed" or "$comment"))
            {
                errors.Add($"{where}: unknown property '{property.Name}'");
            }
        }
        return errors.Count == before
            ? new ColumnSchema(name, type, OptionalString(element, "displayName") ?? name, required, maxLength, target, options) { Indexed = indexed || LookupIndex.IsAlwaysIndexed(type) }
            : null;
    }

    private static bool TryParseType(string text, out ColumnType type)
    {
        type = default;
        return text switch
        {
            "string" or "integer" or "decimal" or "double" or "boolean" or "datetime" or "date" or "choice" or "lookup"
                => Enum.TryParse(text, ignoreCase: true, out type),
            _ => false,
        };
    }

    private static string? OptionalString(JsonElement element, string name)
        => element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // \z, not $: $ also matches before a final newline, and these names become storage keys.
    [GeneratedRegex(@"^[a-z][a-z0-9]{2,62}\z")]
    private static partial Regex TableName();

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,63}\z")]
    private static partial Regex ColumnName();
}

/// <summary>A schema document that cannot be used; <see cref="Errors"/> lists every problem found.</summary>
public sealed class SchemaValidationException(string source, IReadOnlyList<string> errors)
    : Exception($"The table schema '{source}' is invalid:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", errors)}")
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
