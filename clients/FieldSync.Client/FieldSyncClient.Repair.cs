using FieldSync.Client.Notifications;
using FieldSync.Client.Storage;
using FieldSync.Client.Wire;

namespace FieldSync.Client;

// Full delta sync (Power Apps' Device Status "Refresh"): re-check every local row without downloading it again.
public sealed partial class FieldSyncClient
{
    private const int MaxVerifyPages = 10_000;
    private const int MaxFetchIds = 1000;

    /// <summary>
    /// Re-checks every table against the server (docs/sync-protocol.md "Full delta sync") and repairs what differs: rows
    /// missing or held at another version are stored again, rows the server does not list are deleted. Each verify
    /// answer is applied in one transaction with its checkpoint; unsent changes stay in the outbox. Ends with a forced
    /// pull, whose figures re-check every table (so <see cref="SyncStatus.IntegrityMismatches"/> reflects the repair).
    /// <see cref="SyncAsync"/> runs it by itself when a pull finds a mismatch (see <see cref="FieldSyncClientOptions.RepairIntegrityMismatches"/>).
    /// </summary>
    /// <exception cref="FieldSyncApiException">The server refused a request after retries.</exception>
    /// <exception cref="FieldSyncProtocolException">The server answered something the protocol does not allow; that answer was not applied.</exception>
    public async Task<RepairResult> RepairAsync(CancellationToken cancellationToken = default)
    {
        await _syncGate.WaitAsync(cancellationToken);
        try
        {
            _syncing = true;
            await RaiseStatusChangedAsync(cancellationToken);
            return await RepairAndRecheckAsync(cancellationToken);
        }
        finally
        {
            _syncing = false;
            _syncGate.Release();
            await RaiseStatusChangedAsync(CancellationToken.None);
        }
    }

    /// <summary>The repair, then a forced pull (no notifications: the user asked for neither a download nor a refresh of a view).</summary>
    private async Task<RepairResult> RepairAndRecheckAsync(CancellationToken cancellationToken)
    {
        var result = await RepairCoreAsync(cancellationToken);
        await PullAsync(new SyncRequest { Force = true }, new PullSummary(), new SyncNotifier(_ => { }, null), null, cancellationToken);
        return result;
    }

    private async Task<RepairResult> RepairCoreAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await Store.GetCheckpointAsync(cancellationToken);
        var profile = await GetProfileAsync(cancellationToken);
        if (checkpoint is null || profile is null)
        {
            return new RepairResult(0, 0, [], 0, 0); // nothing downloaded yet: the next sync is a first sync
        }
        var holdings = new Dictionary<string, VerifyHoldingBody>(StringComparer.Ordinal);
        var held = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var table in profile.Tables.Keys)
        {
            var rows = await Store.ListHeldRowsAsync(table, cancellationToken);
            held[table] = rows.ToDictionary(r => r.Id, r => r.Version, StringComparer.Ordinal);
            // Empty tables too: with their (empty) filter, a table the device lost whole comes back in the verify answers.
            holdings[table] = new VerifyHoldingBody { Count = rows.Count, Checksum = TableChecksum.Compute(rows), HeldRows = HeldRowsFilter.Encode(rows) };
        }

        var listed = new Dictionary<string, Dictionary<string, (long Version, long Seq)>>(StringComparer.Ordinal);
        var repaired = new List<string>();
        int verifies = 0, fetches = 0;
        long received = 0, deleted = 0;
        string? continuation = null;
        do
        {
            VerifyResponseBody answer;
            try
            {
                answer = await _api.VerifyAsync(new VerifyRequestBody { DeviceId = _options.DeviceId, Checkpoint = checkpoint, Tables = holdings, Continuation = continuation }, cancellationToken);
            }
            catch (FieldSyncApiException e) when (e.ProblemSlug is "reset-required" or "checkpoint-superseded" or "invalid-checkpoint")
            {
                // The device is to start over: the pull carries out the reset (or the fresh first sync) as it always does.
                await PullAsync(SyncRequest.Due, new PullSummary(), new SyncNotifier(n => Notification?.Invoke(this, n), null), null, cancellationToken);
                return new RepairResult(verifies, fetches, repaired, received, deleted);
            }
            verifies++;
            var page = VerifiedPage.From(answer, profile);
            var upserts = new List<PulledRow>();
            var removes = new List<(string Table, string Id)>();
            foreach (var table in page.Tables)
            {
                if (!listed.TryGetValue(table.Table, out var list))
                {
                    listed[table.Table] = list = new Dictionary<string, (long, long)>(StringComparer.Ordinal);
                    repaired.Add(table.Table);
                }
                foreach (var row in table.Rows)
                {
                    list[row.Id] = (row.Version, row.Seq);
                }
                var rows = held[table.Table];
                foreach (var row in table.Upserts)
                {
                    upserts.Add(row);
                    rows[row.Id] = row.Version;
                }
                if (!table.Complete)
                {
                    continue;
                }
                // The list is whole: delete what it does not name, fetch what is still missing or at another version.
                foreach (var id in rows.Keys.Where(id => !list.ContainsKey(id)).ToList())
                {
                    removes.Add((table.Table, id));
                    rows.Remove(id);
                }
                var wanted = list.Where(r => !rows.TryGetValue(r.Key, out var version) || version != r.Value.Version).ToList();
                foreach (var chunk in wanted.Chunk(MaxFetchIds))
                {
                    var fetched = await _api.FetchAsync(new FetchRequestBody
                    {
                        DeviceId = _options.DeviceId,
                        Checkpoint = page.Checkpoint,
                        Table = table.Table,
                        Ids = [.. chunk.Select(r => r.Key)],
                        Seqs = [.. chunk.Select(r => r.Value.Seq)],
                    }, cancellationToken);
                    fetches++;
                    var asked = chunk.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
                    foreach (var row in (fetched.Rows ?? []).Select(r => PulledRow.Read(table.Table, r)))
                    {
                        if (!asked.Contains(row.Id))
                        {
                            throw new FieldSyncProtocolException($"A fetch of {table.Table} answered {row.Id}, which was not asked for.");
                        }
                        upserts.Add(row);
                        rows[row.Id] = row.Version;
                    }
                    foreach (var id in (fetched.Gone ?? []).Where(asked.Contains))
                    {
                        removes.Add((table.Table, id));
                        rows.Remove(id);
                    }
                }
                DropFilter(holdings, table.Table); // its list is done: later pages need not carry its filter
            }
            foreach (var matched in page.Matched)
            {
                DropFilter(holdings, matched);
            }
            await Store.ApplyRepairAsync(new RepairStep(page.Checkpoint, upserts, removes), cancellationToken);
            (received, deleted) = (received + upserts.Count, deleted + removes.Count);
            checkpoint = page.Checkpoint;
            continuation = page.Continuation;
        }
        while (continuation is not null && verifies < MaxVerifyPages);
        return new RepairResult(verifies, fetches, repaired, received, deleted);
    }

    private static void DropFilter(Dictionary<string, VerifyHoldingBody> holdings, string table)
    {
        if (holdings.TryGetValue(table, out var holding))
        {
            holding.HeldRows = null;
        }
    }
}
