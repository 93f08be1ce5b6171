using FieldSync.Core.Records;
using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

public sealed partial class FullDeltaSyncService
{
    /// <summary>
    /// The rows of up to 1,000 ids of one table that the device's own bucket holds, as a pull delivers them (the put op's
    /// document); every other id is <see cref="FetchResult.Gone"/>. Only the device's own scope partition is read, so a
    /// row of another technician (or outside the profile) is never found, only answered gone.
    /// <para/>
    /// A put op exists in a bucket's log exactly while its record is in the bucket at that op's version: a newer op deletes
    /// the older one in the same transaction, and a remove replaces the put. So an op found at the sequence number the
    /// verify listed, with the asked id, is that member's current row. Ids without a sequence number, or whose op has moved
    /// (the record changed since the verify), are looked up by their member row.
    /// <para/>
    /// Cost: the device record and the user's scope head, one transaction per key range of at most 1,000 sequence numbers
    /// holding the asked ops (at most one per id), and for ids whose op moved or was not given, one member point read each
    /// and key ranges again for their ops.
    /// </summary>
    public async Task<FullDeltaOutcome<FetchResult>> FetchAsync(string userId, FetchRequest? request, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        var valid = fetchValidator.Validate(request, errors);
        var (session, refusal) = await StartAsync<FetchResult>(userId, valid, errors, cancellationToken);
        if (session is null)
        {
            return refusal!;
        }
        if (!session.Profile.Tables.TryGetValue(valid!.Table, out var rule))
        {
            return NotInProfile<FetchResult>(session.Profile, valid.Table, "table");
        }
        var scopeId = rule.IsUserScoped ? session.UserHead.ScopeId : maintainer.SharedCopyFor(session.Profile.Id, valid.DeviceId);

        var rows = new Dictionary<string, FeedOp>(StringComparer.Ordinal);
        var gone = new HashSet<string>(StringComparer.Ordinal);
        var lookUp = new List<string>();
        if (valid.Seqs is { } seqs)
        {
            var bySeq = (await feed.ReadOpsAtAsync(scopeId, valid.Table, seqs, cancellationToken)).ToDictionary(op => op.Seq);
            for (var i = 0; i < valid.Ids.Count; i++)
            {
                if (bySeq.TryGetValue(seqs[i], out var op) && op.Id == valid.Ids[i])
                {
                    Take(op, rows, gone);
                }
                else
                {
                    lookUp.Add(valid.Ids[i]);
                }
            }
        }
        else
        {
            lookUp.AddRange(valid.Ids);
        }

        var members = new System.Collections.Concurrent.ConcurrentBag<Member>();
        await Parallel.ForEachAsync(lookUp, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await feed.GetMemberAsync(scopeId, valid.Table, id, ct) is { In: true } member)
            {
                members.Add(member);
            }
        });
        var current = (await feed.ReadOpsAtAsync(scopeId, valid.Table, [.. members.Select(m => m.OpSeq)], cancellationToken)).ToDictionary(op => op.Seq);
        var byId = members.ToDictionary(m => m.Id, StringComparer.Ordinal);
        foreach (var id in lookUp)
        {
            if (byId.TryGetValue(id, out var member) && current.TryGetValue(member.OpSeq, out var op) && op.Id == id)
            {
                Take(op, rows, gone);
            }
            else
            {
                // Not in the bucket, or it changed again between the two reads: the next pull brings that change.
                gone.Add(id);
            }
        }
        var found = valid.Ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList();
        return FullDeltaOutcomes.Success(new FetchResult(valid.Table, found, [.. valid.Ids.Where(gone.Contains)]));
    }

    private static void Take(FeedOp op, Dictionary<string, FeedOp> rows, HashSet<string> gone)
    {
        if (op.Kind == FeedOpKind.Put)
        {
            rows[op.Id] = op;
        }
        else
        {
            gone.Add(op.Id);
        }
    }
}
