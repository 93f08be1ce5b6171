namespace FieldSync.Core.Sync;

/// <summary>One page of a bucket's member rows in id order (see <see cref="IFeedStore.ListBucketMembersAsync"/>).</summary>
/// <param name="Members">In and out members both: the caller counts what it read, whatever it keeps.</param>
/// <param name="HasMore">Members may follow the last one (a page that ends exactly at the bucket's end may still say so).</param>
public sealed record MemberPage(IReadOnlyList<Member> Members, bool HasMore);
