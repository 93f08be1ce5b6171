using FieldSync.Core.Records;

namespace FieldSync.Core.Profiles;

/// <summary>
/// A validated offline profile: per table, which rows a technician's device carries and how often that table
/// syncs, plus the sync settings the server publishes to devices. Built only by <see cref="ProfileParser"/>, so an
/// instance is always complete and consistent (no unknown tables, no cycles, every filter compiled).
/// </summary>
public sealed class OfflineProfile
{
    private readonly IReadOnlyList<TableRule> _documentOrder;

    internal OfflineProfile(
        string id,
        string name,
        string? description,
        ProfileSettings settings,
        IReadOnlyList<TableRule> documentOrder,
        IReadOnlyList<TableRule> dependencyOrder)
    {
        Id = id;
        Name = name;
        Description = description;
        Settings = settings;
        _documentOrder = documentOrder;
        Tables = documentOrder.ToDictionary(r => r.Table, StringComparer.Ordinal).AsReadOnly();
        TablesInDependencyOrder = dependencyOrder;
    }

    public string Id { get; }

    public string Name { get; }

    public string? Description { get; }

    public ProfileSettings Settings { get; }

    /// <summary>The carried tables (download is not <see cref="DownloadMode.None"/>). A table not here is not carried.</summary>
    public IReadOnlyDictionary<string, TableRule> Tables { get; }

    /// <summary>
    /// The carried tables, each after every table it depends on: the order in which the server must decide
    /// which rows a device carries, because a related table's rows follow from the rows already chosen.
    /// </summary>
    public IReadOnlyList<TableRule> TablesInDependencyOrder { get; }

    /// <summary>Whether the device carries rows of <paramref name="table"/> at all.</summary>
    public bool Carries(string table) => Tables.ContainsKey(table);

    /// <summary>
    /// The profile in its own JSON format, normalized: every setting and table property written out explicitly,
    /// tables in the order the source listed them, tables with download "none" and comments left out.
    /// Parsing the result gives an equivalent profile.
    /// </summary>
    public string ToJson() => ProfileJsonWriter.Write(this, _documentOrder);

    public override string ToString() => $"{Id} ({Name})";
}

/// <summary>Profile-wide sync settings. Every one has a default, so a profile may omit <c>settings</c> entirely.</summary>
/// <param name="ConflictDetection">
/// The seed's "Set conflict detection for mobile offline synchronization". False (the seed's default "No"): no
/// check, the device's offline change overwrites the server. True: a server change made since the device last
/// synced the record wins and the device's change is rejected as a sync conflict.
/// </param>
/// <param name="AllowWifiOnlySync">Users may choose to sync only on Wi-Fi. The device enforces it; the server only publishes it.</param>
/// <param name="AllowOnlineMode">Users may switch to viewing live server data outside the profile's filters.</param>
/// <param name="LargeSyncThreshold">An incremental sync bringing at least this many rows is "large": the device notifies the user (<see cref="Sync.LargeSync"/>).</param>
/// <param name="LargeSyncIdleHours">An incremental sync bringing any rows after the app was unused for at least this many hours is "large" too.</param>
public sealed record ProfileSettings(
    bool ConflictDetection,
    bool AllowWifiOnlySync,
    bool AllowOnlineMode,
    int LargeSyncThreshold,
    int LargeSyncIdleHours)
{
    public const int MinLargeSyncThreshold = 1;
    public const int MaxLargeSyncThreshold = 1_000_000;
    public const int MinLargeSyncIdleHours = 1;
    public const int MaxLargeSyncIdleHours = 8760; // one year

    public static ProfileSettings Default { get; } = new(
        ConflictDetection: false,
        AllowWifiOnlySync: false,
        AllowOnlineMode: false,
        LargeSyncThreshold: 500,
        LargeSyncIdleHours: 72);

    public TimeSpan LargeSyncIdle => TimeSpan.FromHours(LargeSyncIdleHours);

    /// <summary>
    /// Whether the profile states <see cref="ConflictDetection"/>; when it does not, the environment's default
    /// applies (configuration <c>FieldSync:Sync:ConflictDetection</c>, itself No by default).
    /// </summary>
    public bool ConflictDetectionSet { get; init; }

    /// <summary>
    /// Power Apps' "Allow users to adjust sync frequency": users may choose Auto (the profile's intervals), a longer
    /// interval, or Manual. The device enforces the choice and reports it in its status; the server only publishes it.
    /// </summary>
    public bool AllowAdjustSyncFrequency { get; init; }

    /// <summary>
    /// The tables online mode may read (<c>GET /api/online/{table}</c>), in the order the profile lists them: any table of
    /// the schema, carried offline or not. A listed table is readable whole (every row, every column) by every
    /// technician of the profile, outside the offline filters, so a profile lists only tables they may all see. Empty
    /// unless <see cref="AllowOnlineMode"/> is true; online reads need both.
    /// </summary>
    public IReadOnlyList<string> OnlineTables { get; init; } = [];

    /// <summary>Whether online mode may read <paramref name="table"/>: online mode is allowed and the table is listed.</summary>
    public bool AllowsOnlineRead(string table) => AllowOnlineMode && OnlineTables.Contains(table, StringComparer.Ordinal);
}

/// <summary>Which rows of a table a device carries.</summary>
public enum DownloadMode
{
    /// <summary>Not carried. Tables a profile does not list are not carried either.</summary>
    None,
    /// <summary>Every row: shared reference data such as products.</summary>
    All,
    /// <summary>Rows matching <see cref="TableRule.Filter"/>.</summary>
    Filter,
    /// <summary>Rows linked to carried rows of other tables through <see cref="TableRule.RelatedTo"/> (and matching the optional filter).</summary>
    Related,
}

/// <summary>What a profile says about one carried table, with the facts derived from the whole profile.</summary>
public sealed class TableRule
{
    internal TableRule(
        string table,
        DownloadMode download,
        RowFilter? filter,
        IReadOnlyList<Relationship> relatedTo,
        TimeSpan syncInterval,
        TimeSpan effectiveSyncInterval,
        bool allowCreate,
        bool allowUpdate,
        bool allowDelete,
        bool isUserScoped)
    {
        Table = table;
        Download = download;
        Filter = filter;
        RelatedTo = relatedTo;
        SyncInterval = syncInterval;
        EffectiveSyncInterval = effectiveSyncInterval;
        AllowCreate = allowCreate;
        AllowUpdate = allowUpdate;
        AllowDelete = allowDelete;
        IsUserScoped = isUserScoped;
        DependsOn = relatedTo.Select(r => r.OtherTable).Distinct(StringComparer.Ordinal).ToArray();
    }

    public string Table { get; }

    public DownloadMode Download { get; }

    /// <summary>
    /// With <see cref="DownloadMode.Filter"/>: the rows carried. With <see cref="DownloadMode.Related"/>: an extra
    /// condition a related row must also meet. Null otherwise.
    /// </summary>
    public RowFilter? Filter { get; }

    /// <summary>With <see cref="DownloadMode.Related"/>: a row is carried while ANY of these relationships holds. Empty otherwise.</summary>
    public IReadOnlyList<Relationship> RelatedTo { get; }

    /// <summary>The interval the profile gives this table (5 minutes to 1 day).</summary>
    public TimeSpan SyncInterval { get; }

    /// <summary>
    /// The interval the table really syncs at: the shortest of its own and those of the tables it depends on,
    /// because related rows must arrive together with the rows they follow (the seed: "A sync interval for a table
    /// might not be respected if a related table has a lower sync interval").
    /// </summary>
    public TimeSpan EffectiveSyncInterval { get; }

    public bool AllowCreate { get; }

    public bool AllowUpdate { get; }

    public bool AllowDelete { get; }

    /// <summary>The other tables whose carried rows decide this table's rows, in relationship order, each once.</summary>
    public IReadOnlyList<string> DependsOn { get; }

    /// <summary>
    /// Whether the carried rows differ per user: the filter uses @currentUser or @currentResource, or a table this
    /// one depends on is user scoped. When false every device with this profile carries the same rows, so the
    /// server may compute them once and share them.
    /// </summary>
    public bool IsUserScoped { get; }

    public override string ToString() => $"{Table}: {Download}";
}

/// <summary>Which way a relationship's lookup column points, seen from the table whose rule holds it.</summary>
public enum RelationshipDirection
{
    /// <summary>
    /// The lookup is on this table and points to the other table (work order product → work order): a row of
    /// this table is carried while the row it points to is carried.
    /// </summary>
    References,
    /// <summary>
    /// The lookup is on the other table and points to this one (booking → work order, seen from work order): a
    /// row of this table is carried while at least one carried row of the other table points to it.
    /// </summary>
    ReferencedBy,
}

/// <summary>One entry of a table's <c>relatedTo</c>: a lookup column linking <see cref="Table"/> and <see cref="OtherTable"/>.</summary>
/// <param name="Table">The table whose rule this relationship belongs to (the table whose rows it selects).</param>
/// <param name="OtherTable">The carried table this table's rows follow.</param>
/// <param name="LookupColumn">The lookup column, a column of <see cref="ColumnTable"/>.</param>
/// <param name="Direction">Where the lookup column lives.</param>
public sealed record Relationship(string Table, string OtherTable, string LookupColumn, RelationshipDirection Direction)
{
    /// <summary>The table that holds <see cref="LookupColumn"/>.</summary>
    public string ColumnTable => Direction == RelationshipDirection.References ? Table : OtherTable;

    /// <summary>The table <see cref="LookupColumn"/> points to.</summary>
    public string TargetTable => Direction == RelationshipDirection.References ? OtherTable : Table;

    /// <summary>The relationship as a profile writes it: <c>columnTable.lookupColumn</c>.</summary>
    public string Text => $"{ColumnTable}.{LookupColumn}";

    /// <summary>
    /// The id to follow from a row of <see cref="ColumnTable"/>: for <see cref="RelationshipDirection.References"/>
    /// give a row of this table and get the id of the other-table row it needs; for
    /// <see cref="RelationshipDirection.ReferencedBy"/> give a carried row of the other table and get the id of
    /// this table's row it keeps on the device. Null when the lookup is empty.
    /// </summary>
    public string? FollowFrom(Record row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (!string.Equals(row.Table, ColumnTable, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Relationship '{Text}' follows rows of '{ColumnTable}', not of '{row.Table}'.", nameof(row));
        }
        return row.Values.TryGetValue(LookupColumn, out var value) ? value as string : null;
    }

    public override string ToString() => $"{Table} {Direction} {Text}";
}
