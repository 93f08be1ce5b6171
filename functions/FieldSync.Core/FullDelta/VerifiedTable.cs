namespace FieldSync.Core.FullDelta;

/// <summary>
/// One table of a verify answer. <see cref="Count"/> and <see cref="Checksum"/> are the bucket's figures at the head the
/// table was judged on (present in the answer that judged it, absent on the pages that continue its list).
/// <see cref="Rows"/> is one page of the list (repair only); <see cref="Complete"/> says the list is whole.
/// </summary>
public sealed record VerifiedTable(string Table, string Status, long? Count, string? Checksum, IReadOnlyList<MemberRow> Rows, bool Complete);
