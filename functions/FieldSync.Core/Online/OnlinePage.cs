using FieldSync.Core.Records;

namespace FieldSync.Core.Online;

/// <summary>One page of an online query.</summary>
/// <param name="Records">The matching live rows, projected to the <c>$select</c> columns, in the plan's key order.</param>
/// <param name="Continuation">Where the next page starts; null when the query has no more rows. Present even when this page has fewer than <c>$top</c> rows (its storage bound was reached).</param>
/// <param name="Examined">Rows read to find them (scan rows or index candidates), for telemetry.</param>
public sealed record OnlinePage(IReadOnlyList<Record> Records, string? Continuation, int Examined);
