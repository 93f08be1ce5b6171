using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>
/// One table of a verify answer. <see cref="Count"/> and <see cref="Checksum"/> are the bucket's figures at the head the
/// table was judged on (present in the answer that judged it, absent on the pages that continue its list).
/// <see cref="Rows"/> is one page of the list (repair only), in feed order; <see cref="Complete"/> says the list is whole.
/// </summary>
public sealed record VerifiedTable(string Table, string Status, long? Count, string? Checksum, IReadOnlyList<MemberRow> Rows, bool Complete)
{
    /// <summary>The put ops of <see cref="Rows"/> the device's held-rows filter says it lacks: their documents, as a pull delivers them.</summary>
    public IReadOnlyList<FeedOp> Upserts { get; init; } = [];
}
