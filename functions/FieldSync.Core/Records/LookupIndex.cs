using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FieldSync.Core.Schema;

namespace FieldSync.Core.Records;

/// <summary>
/// The index of lookup values: for every indexed column (<see cref="ColumnSchema.Indexed"/>) of a live record, one
/// entry in the record's own partition, row key <c>~x|column|value|id</c>, written in the same entity-group
/// transaction as the record. "Rows of table T whose column C = v" (a technician's bookings, a work order's parts)
/// and "rows whose date lies between a and b" (what midnight changes) are then key ranges of T's partition, never a
/// scan of every row of T. Being in the record's transaction, the index is exact: an entry exists exactly while the
/// live record holds that value.
/// </summary>
public static class LookupIndex
{
    /// <summary>Sorts after every record id (ids cannot contain '~') and after the fan-out markers (<c>~pending|</c>).</summary>
    public const string Prefix = "~x|";

    /// <summary>Encoded values longer than this are replaced by their SHA-256, so a row key stays far inside 1 KiB.</summary>
    private const int MaxValueKeyLength = 400;

    /// <summary>Lookups, dates and times are always indexed: relationships and time-relative filters find rows by them.</summary>
    public static bool IsAlwaysIndexed(ColumnType type) => type is ColumnType.Lookup or ColumnType.Date or ColumnType.DateTime;

    /// <summary>
    /// The key form of a value: dates as yyyy-MM-dd and times as UTC ISO 8601 with 7 fractional digits (so key order is
    /// time order), text escaped to characters a row key may hold. Null when the value is absent (no entry).
    /// </summary>
    public static string? ValueKey(object? value)
    {
        var key = value switch
        {
            null => null,
            DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            DateTime time => DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
            string text => Escape(text),
            _ => null,
        };
        return key is { Length: > MaxValueKeyLength } ? "~h" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))) : key;
    }

    /// <summary>Keeps letters, digits and <c>- _ . : @</c> (every record id); every other character becomes %XXXX.</summary>
    private static string Escape(string text)
    {
        if (text.All(IsPlain))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsPlain(c))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@';

    public static string RowKey(string column, string valueKey, string id) => $"{Prefix}{column}|{valueKey}|{id}";

    /// <summary>The record id an index row key ends with (ids cannot contain '|').</summary>
    public static string IdOf(string rowKey) => rowKey[(rowKey.LastIndexOf('|') + 1)..];

    /// <summary>Row keys from (inclusive) and to (exclusive) of the entries whose value is exactly <paramref name="valueKey"/>.</summary>
    public static (string From, string To) Exact(string column, string valueKey) => ($"{Prefix}{column}|{valueKey}|", $"{Prefix}{column}|{valueKey}}}");

    /// <summary>Row keys from (inclusive) and to (exclusive) of the entries whose value lies between the two keys, both included.</summary>
    public static (string From, string To) Between(string column, string lowKey, string highKey) => ($"{Prefix}{column}|{lowKey}|", $"{Prefix}{column}|{highKey}}}");

    /// <summary>The index row keys a record has: none for a tombstone or no record.</summary>
    public static IReadOnlySet<string> EntriesOf(TableSchema table, Record? record)
    {
        var entries = new HashSet<string>(StringComparer.Ordinal);
        if (record is null || record.Deleted)
        {
            return entries;
        }
        foreach (var column in table.IndexedColumns)
        {
            if (ValueKey(record.Values.GetValueOrDefault(column.Name)) is { } key)
            {
                entries.Add(RowKey(column.Name, key, record.Id));
            }
        }
        return entries;
    }

    /// <summary>Entries a write must delete and add to take the record from <paramref name="previous"/> to <paramref name="next"/>.</summary>
    public static (IReadOnlyList<string> Remove, IReadOnlyList<string> Add) Changes(TableSchema table, Record next, Record? previous)
    {
        var before = EntriesOf(table, previous);
        var after = EntriesOf(table, next);
        return ([.. before.Where(k => !after.Contains(k)).Order(StringComparer.Ordinal)], [.. after.Where(k => !before.Contains(k)).Order(StringComparer.Ordinal)]);
    }

    /// <summary>The entity-group actions a record write takes: the record, its fan-out marker and its index changes.</summary>
    public static int ActionsOf(TableSchema table, Record next, Record? previous)
    {
        var (remove, add) = Changes(table, next, previous);
        return 2 + remove.Count + add.Count;
    }
}
