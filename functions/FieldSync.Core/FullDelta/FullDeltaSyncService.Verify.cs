using FieldSync.Core.Records;
using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

public sealed partial class FullDeltaSyncService
{
    /// <summary>
    /// Judges the device's tables against their buckets in the profile's dependency order and lists, a page of at most
    /// <see cref="ValidatedVerify.PageSize"/> feed entries at a time, the ids and versions of those that differ, read from
    /// the bucket's log up to the head sequence H read when the table was judged. For a table sent with a
    /// <see cref="HeldRowsFilter"/>, the rows the filter says the device lacks come with their documents.
    /// <para/>
    /// A table whose list completes on this page gets its bucket in the answer's checkpoint positioned at H, so the next
    /// pull continues with the ops after H. A record that changes after H while its table is being listed moves above H
    /// (its old op is deleted): it is not listed, the device deletes it as extra if it held it, and the next pull delivers
    /// the change; a record listed before its change gets the change the same way. Either way the device converges,
    /// which is why the list need not be a snapshot at H.
    /// <para/>
    /// Cost per answer: the device record and the user's scope head (and the shared copy's head when a shared table is
    /// on the page), plus one storage transaction per 1,000 feed entries read (at most <see cref="ValidatedVerify.PageSize"/>)
    /// and at most one more per table listed, plus one device record write when a table's integrity result changed.
    /// Matched tables cost nothing beyond the heads.
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
            long after = 0;
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
                (after, at) = (resumed.AfterSeq, resumed.At);
            }
            else
            {
                if (budget == 0)
                {
                    next = new VerifyContinuation(valid.DeviceId, checkpoint.Generation, rule.Table, false, head.ScopeId, 0, 0).Encode();
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
            // The bucket's log up to H lists it: a put op exists exactly while its record is in the bucket at that
            // version, so the puts at or below H are the rows the device should hold, and each carries its document.
            var (ops, more) = await ListAsync(head.ScopeId, rule.Table, after, at, budget, cancellationToken);
            budget -= ops.Count;
            var puts = ops.Where(op => op.Kind == FeedOpKind.Put).ToList();
            var rows = puts.Select(op => new MemberRow(op.Id, op.Version, op.Seq)).ToList();
            // With the device's held-rows filter, the rows it certainly lacks come with their documents: no fetch for them.
            IReadOnlyList<FeedOp> upserts = valid.Filters.TryGetValue(rule.Table, out var filter)
                ? [.. puts.Where(op => !filter.MayContain(op.Id, op.Version))]
                : [];
            answered.Add(new VerifiedTable(rule.Table, VerifyStatuses.Repair, count, checksum, rows, !more) { Upserts = upserts });
            if (more)
            {
                next = new VerifyContinuation(valid.DeviceId, checkpoint.Generation, rule.Table, true, head.ScopeId, at, ops[^1].Seq).Encode();
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
    /// Up to <paramref name="max"/> entries of a bucket's log after <paramref name="afterSeq"/> and at or below
    /// <paramref name="at"/> (H), in sequence order, and whether entries up to H remain. Reads at most
    /// <paramref name="max"/> entries (1,000 a storage transaction) plus the one that shows the list ended.
    /// </summary>
    private async Task<(IReadOnlyList<FeedOp> Ops, bool More)> ListAsync(string scopeId, string table, long afterSeq, long at, int max, CancellationToken cancellationToken)
    {
        var page = await feed.ReadOpsAsync(scopeId, table, afterSeq, max, cancellationToken);
        var upToH = page.Ops.TakeWhile(op => op.Seq <= at).ToList();
        return (upToH, upToH.Count == page.Ops.Count && page.HasMore);
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
