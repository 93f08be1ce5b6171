namespace FieldSync.Client.Storage;

/// <summary>One table to repair on a verify page: the rows listed, those sent whole, and whether its list is now whole.</summary>
internal sealed record VerifiedPageTable(string Table, IReadOnlyList<(string Id, long Version, long Seq)> Rows, IReadOnlyList<PulledRow> Upserts, bool Complete);
