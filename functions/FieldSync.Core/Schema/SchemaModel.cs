namespace FieldSync.Core.Schema;

/// <summary>The value types a column can declare. Each maps to one JSON shape and one storage type.</summary>
public enum ColumnType
{
    /// <summary>Text, bounded by <see cref="ColumnSchema.MaxLength"/>.</summary>
    String,
    /// <summary>64-bit whole number.</summary>
    Integer,
    /// <summary>Exact decimal (money, quantities); stored as invariant text so no precision is lost.</summary>
    Decimal,
    /// <summary>Floating point (coordinates, percentages).</summary>
    Double,
    Boolean,
    /// <summary>A point in time; JSON must carry an explicit offset (or Z). Stored in UTC.</summary>
    DateTime,
    /// <summary>A calendar date, yyyy-MM-dd.</summary>
    Date,
    /// <summary>An option set: one of the declared integer <see cref="ColumnSchema.Options"/>.</summary>
    Choice,
    /// <summary>The id of a record in <see cref="ColumnSchema.Target"/>.</summary>
    Lookup,
}

public sealed record ChoiceOption(int Value, string Label);

public sealed record ColumnSchema(
    string Name,
    ColumnType Type,
    string DisplayName,
    bool Required,
    int? MaxLength,
    string? Target,
    IReadOnlyList<ChoiceOption> Options)
{
    /// <summary>
    /// Whether the records store keeps an index of this column's values (see <see cref="Records.LookupIndex"/>), so "rows whose
    /// column holds v" is a key range: lookups, dates and times always; a string column when it says <c>"indexed": true</c>.
    /// </summary>
    public bool Indexed { get; init; }
}

public sealed record TableSchema(
    string Name,
    string DisplayName,
    string PrimaryNameColumn,
    IReadOnlyDictionary<string, ColumnSchema> Columns)
{
    public bool TryGetColumn(string name, out ColumnSchema column)
        => Columns.TryGetValue(name, out column!);

    /// <summary>Lookup columns of this table, in declaration order.</summary>
    public IEnumerable<ColumnSchema> Lookups => Columns.Values.Where(c => c.Type == ColumnType.Lookup);

    /// <summary>The columns whose values the records store indexes, in declaration order.</summary>
    public IReadOnlyList<ColumnSchema> IndexedColumns { get; } = [.. Columns.Values.Where(c => c.Indexed)];
}
