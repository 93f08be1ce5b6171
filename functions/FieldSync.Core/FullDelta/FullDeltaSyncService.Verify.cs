using FieldSync.Core.Records;
using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

public sealed partial class FullDeltaSyncService
{
    /// <summary>
    /// Judges the device's tables against their buckets in the profile's dependency order and lists, a page of at most
    /// <see cref="ValidatedVerify.PageSize"/> member rows at a time, the ids and versions of those that differ.
    /// <para/>
    /// A table whose list completes on this page gets its bucket in the answer's checkpoint positioned at the head
    /// sequence H read when the table was judged, so the next pull continues with the ops after H. A member listed from a
    /// later page may already carry a change after H (its op seq is above H): the device then holds it at that newer
    /// version (or deletes it, when it left), and the next pull delivers the same op again, which is idempotent; a change
    /// after H to a member already listed arrives as an ordinary op. Either way the device converges, which is why the
    /// list need not be a snapshot at H.
    /// <para/>
    /// Cost per answer: the device record and the user's scope head (and the shared copy's head when a shared table is
    /// on the page), plus one member page per table listed on it (member rows are read 1,000 a transaction), plus one
    /// device record write when a table's integrity result changed. Matched tables cost nothing beyond the heads.
    /// </summary>
    public async Task<FullDeltaOutcome<VerifyResult>> VerifyAsync(string userId, VerifyRequest? request, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var valid = verifyValidator.Validate(request, errors);
        var (session, refusal) = await StartAsync<VerifyResult>(userId, valid, errors, cancellationToken);
        if (session is null)
        {
            return refusal!;
        }
        if (valid!.Tables.Keys.FirstOrDefault(t => !session.Profile.Tables.ContainsKey(t)) is { } notInProfile)
        {
            return NotInProfile<VerifyResult>(session.Profile, notInProfile, "tables." + notInProfile);
        }
        var checkpoint = session.Checkpoint;
        var rules = session.Profile.TablesInDependencyOrder;
        var start = 0;
        VerifyContinuation? resumed = null;
        if (valid.Continuation is not null)
        {
            resumed = VerifyContinuation.Decode(valid.Continuation, valid.DeviceId, checkpoint.Generation);
            start = resumed is null ? -1 : rules.ToList().FindIndex(r => r.Table == resumed.Table);
            if (start < 0)
            {
                return InvalidContinuation();
            }
        }

        var answered = new List<VerifiedTable>();
        var judged = new Dictionary<string, bool>(StringComparer.Ordinal);
        var budget = valid.PageSize;
        string? next = null;
        for (var i = start; i < rules.Count; i++)
        {
            var rule = rules[i];
            var head = await HeadForAsync(session, rule, userId, cancellationToken);
            var bucket = head.Bucket(rule.Table);
            string? after = null;
            long at;
            long? count = null;
            string? checksum = null;
            if (resumed is { Listing: true } && i == start)
            {
                // The table's list goes on from where the last page stopped, against the head it was judged on.
                if (resumed.Scope != head.ScopeId || resumed.At > bucket.LastSeq)
                {
                    return InvalidContinuation();
                }
                (after, at) = (resumed.After, resumed.At);
            }
            else
            {
                if (budget == 0)
                {
                    next = new VerifyContinuation(valid.DeviceId, checkpoint.Generation, rule.Table, false, head.ScopeId, 0, null).Encode();
                    break;
                }
                (count, checksum) = (bucket.Count, BucketChecksum.Format(bucket.Checksum));
                // A table not reported is one the device holds no rows of: it matches an empty bucket only.
                var reported = valid.Tables.TryGetValue(rule.Table, out var held);
                var matched = reported ? held!.Count == bucket.Count && held.Checksum == checksum : bucket.Count == 0;
                if (reported)
                {
                    judged[rule.Table] = matched;
                }
                if (matched)
                {
                    // The device holds exactly the bucket at its last op: a checkpoint that could not continue the bucket
                    // (none, another scope, a download not finished, a position the bucket never reached) is put there.
                    checkpoint.Buckets.TryGetValue(rule.Table, out var cp);
                    if (cp is null || cp.Scope != head.ScopeId || !cp.Complete || PullService.MustRestart(bucket, cp))
                    {
                        Position(checkpoint, rule.Table, head, bucket, bucket.LastSeq);
                    }
                    answered.Add(new VerifiedTable(rule.Table, VerifyStatuses.Matched, count, checksum, [], true));
                    continue;
                }
                at = bucket.LastSeq;
            }
            var page = await feed.ListBucketMembersAsync(head.ScopeId, rule.Table, after, budget, cancellationToken);
            budget -= page.Members.Count;
            var rows = page.Members.Where(m => m.In).Select(m => new MemberRow(m.Id, m.Version, m.OpSeq)).ToList();
            answered.Add(new VerifiedTable(rule.Table, VerifyStatuses.Repair, count, checksum, rows, !page.HasMore));
            if (page.HasMore)
            {
                next = new VerifyContinuation(valid.DeviceId, checkpoint.Generation, rule.Table, true, head.ScopeId, at, page.Members[^1].Id).Encode();
                break;
            }
            Position(checkpoint, rule.Table, head, bucket, at);
        }

        // The device record shows whether each reported table matched; written only when that changed.
        if (judged.Any(j => session.Device.Tables.GetValueOrDefault(j.Key)?.ChecksumMatched != j.Value))
        {
            await devices.RecordIntegrityAsync(valid.DeviceId, judged, clock.GetUtcNow(), cancellationToken);
        }
        return FullDeltaOutcomes.Success(new VerifyResult(answered, checkpoint.Encode(), next));
    }

    /// <summary>
    /// The bucket continues after <paramref name="at"/>: complete (the device holds the list), in the scope read, with the
    /// floor seen now. Its last-synced time stays, so the table is due when it was, and then delivers the ops after H.
    /// </summary>
    private static void Position(Checkpoint checkpoint, string table, ScopeHead head, BucketState bucket, long at)
    {
        checkpoint.Buckets.TryGetValue(table, out var before);
        checkpoint.Buckets[table] = new BucketCheckpoint
        {
            Scope = head.ScopeId,
            Seq = at,
            Complete = true,
            FloorSeen = bucket.Floor,
            SyncedAt = before?.Scope == head.ScopeId ? before.SyncedAt : 0,
        };
    }

    private static FullDeltaOutcome<VerifyResult> InvalidContinuation()
        => FullDeltaOutcomes.Refused<VerifyResult>(FullDeltaFailure.InvalidContinuation,
            "The continuation is not one this server gave this device and database, or the table's data was rebuilt since. Start the verify again without it.",
            "continuation");
}
