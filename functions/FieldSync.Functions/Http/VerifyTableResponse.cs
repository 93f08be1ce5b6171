using FieldSync.Core.FullDelta;

namespace FieldSync.Functions.Http;

/// <summary>
/// One table of a verify answer on the wire; <see cref="Rows"/> are <c>[id, version, seq]</c> arrays, absent for a matched
/// table; <see cref="Upserts"/> the documents of listed rows the device's held-rows filter says it lacks, absent when there are none.
/// </summary>
public sealed record VerifyTableResponse(string Status, long? Count, string? Checksum, IReadOnlyList<MemberRow>? Rows, bool Complete, IReadOnlyList<FeedDocument>? Upserts);
