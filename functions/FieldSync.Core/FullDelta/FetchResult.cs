using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>
/// A fetch answer: the rows (their put ops, whose data is the document a pull delivers) of the ids the device's bucket
/// holds, and the ids it does not hold (<see cref="Gone"/>: removed since the verify, or never the device's).
/// </summary>
public sealed record FetchResult(string Table, IReadOnlyList<FeedOp> Rows, IReadOnlyList<string> Gone);
