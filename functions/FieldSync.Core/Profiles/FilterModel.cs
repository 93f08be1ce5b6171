using System.Runtime.CompilerServices;
using FieldSync.Core.Schema;
using Microsoft.OData.Edm;

namespace FieldSync.Core.Profiles;

/// <summary>
/// The schema as an EDM model, so Microsoft.OData.Core can bind and type-check filters: one entity type and
/// entity set per table, one structural property per column, and the key <c>id</c>. Lookups are plain strings
/// (the target's id) and there are no navigation properties, because a row filter reads only its own table.
/// </summary>
internal sealed class FilterModel
{
    public const string Namespace = "FieldSync";

    // One model per loaded schema: building it is cheap but not free, and filters are compiled per profile change.
    private static readonly ConditionalWeakTable<SchemaCatalog, FilterModel> Cache = new();

    private readonly Dictionary<string, (EdmEntityType Type, EdmEntitySet Set)> _tables = new(StringComparer.Ordinal);

    private FilterModel(SchemaCatalog schema)
    {
        var model = new EdmModel();
        var container = new EdmEntityContainer(Namespace, "Tables");
        model.AddElement(container);
        foreach (var table in schema.Tables.Values)
        {
            var type = new EdmEntityType(Namespace, table.Name);
            type.AddKeys(type.AddStructuralProperty("id", EdmPrimitiveTypeKind.String, isNullable: false));
            foreach (var column in table.Columns.Values)
            {
                type.AddStructuralProperty(column.Name, EdmKindOf(column.Type), isNullable: true);
            }
            model.AddElement(type);
            _tables[table.Name] = (type, container.AddEntitySet(table.Name, type));
        }
        Model = model;
    }

    public IEdmModel Model { get; }

    public static FilterModel For(SchemaCatalog schema) => Cache.GetValue(schema, s => new FilterModel(s));

    public (EdmEntityType Type, EdmEntitySet Set) Table(string name) => _tables[name];

    /// <summary>The EDM type of a column: the type its record values have (see <see cref="Records.Record"/>).</summary>
    public static EdmPrimitiveTypeKind EdmKindOf(ColumnType type) => type switch
    {
        ColumnType.String or ColumnType.Lookup => EdmPrimitiveTypeKind.String,
        ColumnType.Integer => EdmPrimitiveTypeKind.Int64,
        ColumnType.Decimal => EdmPrimitiveTypeKind.Decimal,
        ColumnType.Double => EdmPrimitiveTypeKind.Double,
        ColumnType.Boolean => EdmPrimitiveTypeKind.Boolean,
        ColumnType.DateTime => EdmPrimitiveTypeKind.DateTimeOffset,
        ColumnType.Date => EdmPrimitiveTypeKind.Date,
        ColumnType.Choice => EdmPrimitiveTypeKind.Int32,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };
}
