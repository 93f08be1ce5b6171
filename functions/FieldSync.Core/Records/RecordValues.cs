using System.Globalization;
using System.Text.Json;
using FieldSync.Core.Schema;

namespace FieldSync.Core.Records;

/// <summary>
/// Turns caller JSON into typed column values and checks typed values against the schema.
/// Everything a caller sends is hostile: unknown columns, wrong types, oversized text and unsafe lookup ids
/// are all reported, every one of them, before anything is written.
/// </summary>
public static class RecordValues
{
    /// <summary>Names a caller may send in a body besides columns. Only <c>id</c>, and only where it is allowed.</summary>
    public static readonly IReadOnlySet<string> SystemFields =
        new HashSet<string>(StringComparer.Ordinal) { "id", "version", "modifiedOn", "modifiedBy", "deleted" };

    /// <summary>
    /// The earliest date and time Azure Table storage holds (1601-01-01 UTC; Azurite takes earlier ones, Azure
    /// rejects the write). Date columns are held to the same range so both kinds of column mean the same span.
    /// </summary>
    public static readonly DateTimeOffset MinDateTime = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The earliest date a date column takes; see <see cref="MinDateTime"/>.</summary>
    public static readonly DateOnly MinDate = new(1601, 1, 1);

    /// <summary>
    /// Reads the columns of a JSON object. <c>null</c> clears a column. System fields other than <c>id</c>
    /// are rejected because the server assigns them.
    /// </summary>
    public static Dictionary<string, object?> ReadColumns(TableSchema table, JsonElement body, List<FieldError> errors)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("$", "The body must be a JSON object."));
            return values;
        }
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name == "id")
            {
                continue;
            }
            if (SystemFields.Contains(property.Name))
            {
                errors.Add(new FieldError(property.Name, $"'{property.Name}' is assigned by the server and cannot be set."));
                continue;
            }
            if (!table.TryGetColumn(property.Name, out var column))
            {
                errors.Add(new FieldError(property.Name, $"Table '{table.Name}' has no column '{property.Name}'."));
                continue;
            }
            if (values.ContainsKey(property.Name))
            {
                errors.Add(new FieldError(property.Name, $"Column '{property.Name}' appears more than once."));
                continue;
            }
            if (TryRead(column, property.Value, out var value, out var error))
            {
                values[column.Name] = value;
            }
            else
            {
                errors.Add(new FieldError(column.Name, error!));
            }
        }
        return values;
    }

    /// <summary>Reads one JSON value as the column's type.</summary>
    public static bool TryRead(ColumnSchema column, JsonElement json, out object? value, out string? error)
    {
        value = null;
        error = null;
        if (json.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        switch (column.Type)
        {
            case ColumnType.String when json.ValueKind == JsonValueKind.String:
                value = json.GetString();
                break;
            case ColumnType.Lookup when json.ValueKind == JsonValueKind.String:
                value = json.GetString();
                break;
            case ColumnType.Integer when json.ValueKind == JsonValueKind.Number && json.TryGetInt64(out var l):
                value = l;
                break;
            case ColumnType.Choice when json.ValueKind == JsonValueKind.Number && json.TryGetInt32(out var i):
                value = i;
                break;
            case ColumnType.Decimal when json.ValueKind == JsonValueKind.Number && json.TryGetDecimal(out var m):
                value = m;
                break;
            case ColumnType.Double when json.ValueKind == JsonValueKind.Number && json.TryGetDouble(out var d) && double.IsFinite(d):
                value = d;
                break;
            case ColumnType.Boolean when json.ValueKind is JsonValueKind.True or JsonValueKind.False:
                value = json.GetBoolean();
                break;
            case ColumnType.DateTime when json.ValueKind == JsonValueKind.String:
                if (!TryParseDateTime(json.GetString()!, out var dt))
                {
                    error = $"'{column.Name}' must be an ISO 8601 date and time with an offset or Z, e.g. 2026-11-25T08:00:00Z.";
                    return false;
                }
                value = dt;
                break;
            case ColumnType.Date when json.ValueKind == JsonValueKind.String:
                if (!DateOnly.TryParseExact(json.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    error = $"'{column.Name}' must be a date as yyyy-MM-dd.";
                    return false;
                }
                value = date;
                break;
            default:
                error = $"'{column.Name}' must be {Describe(column.Type)}; got {Describe(json.ValueKind)}.";
                return false;
        }
        return Check(column, value, out error);
    }

    /// <summary>Checks a typed value (from JSON or from code) against the column: type, length, options, id safety.</summary>
    public static bool Check(ColumnSchema column, object? value, out string? error)
    {
        error = null;
        if (value is null)
        {
            return true;
        }
        var typeOk = column.Type switch
        {
            ColumnType.String or ColumnType.Lookup => value is string,
            ColumnType.Integer => value is long,
            ColumnType.Choice => value is int,
            ColumnType.Decimal => value is decimal,
            ColumnType.Double => value is double dv && double.IsFinite(dv),
            ColumnType.Boolean => value is bool,
            ColumnType.DateTime => value is DateTimeOffset,
            ColumnType.Date => value is DateOnly,
            _ => false,
        };
        if (!typeOk)
        {
            error = $"'{column.Name}' must be {Describe(column.Type)}.";
            return false;
        }
        switch (column.Type)
        {
            case ColumnType.String when column.MaxLength is { } max && ((string)value).Length > max:
                error = $"'{column.Name}' is {((string)value).Length} characters; the maximum is {max}.";
                return false;
            case ColumnType.String when ((string)value).AsSpan().IndexOfAny('\0', '\uFFFE', '\uFFFF') >= 0:
                error = $"'{column.Name}' contains a character that storage cannot hold.";
                return false;
            case ColumnType.Lookup when !RecordIds.IsValid((string)value, out var idError):
                error = $"'{column.Name}' is not a valid {column.Target} id: {idError}";
                return false;
            case ColumnType.DateTime when (DateTimeOffset)value < MinDateTime:
                error = $"'{column.Name}' is before 1601-01-01T00:00:00Z, the earliest date and time storage holds.";
                return false;
            case ColumnType.Date when (DateOnly)value < MinDate:
                error = $"'{column.Name}' is before 1601-01-01, the earliest date a date column holds.";
                return false;
            case ColumnType.Choice when column.Options.All(o => o.Value != (int)value):
                error = $"'{column.Name}' must be one of {string.Join(", ", column.Options.Select(o => $"{o.Value} ({o.Label})"))}.";
                return false;
        }
        return true;
    }

    /// <summary>Reports required columns without a value. Used after a create or an update has been applied.</summary>
    public static void CheckRequired(TableSchema table, IReadOnlyDictionary<string, object?> values, List<FieldError> errors)
    {
        foreach (var column in table.Columns.Values)
        {
            if (column.Required && (!values.TryGetValue(column.Name, out var v) || v is null))
            {
                errors.Add(new FieldError(column.Name, $"'{column.Name}' is required."));
            }
        }
    }

    public static bool TryParseDateTime(string text, out DateTimeOffset value)
    {
        value = default;
        // An offset (or Z) is mandatory: a bare local time from a device in another time zone is ambiguous.
        if (text.Length < 20 || !(text.EndsWith('Z') || text[^6] is '+' or '-'))
        {
            return false;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }
        value = parsed.ToUniversalTime();
        return true;
    }

    /// <summary>Writes a value as JSON in the same shape <see cref="TryRead"/> accepts.</summary>
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case double d: writer.WriteNumberValue(d); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case DateTimeOffset dt: writer.WriteStringValue(dt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)); break;
            case DateOnly date: writer.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
            default: throw new InvalidOperationException($"Unsupported value type {value.GetType()}.");
        }
    }

    private static string Describe(ColumnType type) => type switch
    {
        ColumnType.String => "a string",
        ColumnType.Lookup => "a record id (string)",
        ColumnType.Integer => "a whole number",
        ColumnType.Choice => "a whole number from its options",
        ColumnType.Decimal => "a number",
        ColumnType.Double => "a finite number",
        ColumnType.Boolean => "true or false",
        ColumnType.DateTime => "an ISO 8601 date-time string",
        ColumnType.Date => "a yyyy-MM-dd date string",
        _ => type.ToString(),
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number out of range or of the wrong kind",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString(),
    };
}
