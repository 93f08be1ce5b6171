using Azure;
using Azure.Data.Tables;
using FieldSync.Core.Records;
using FieldSync.Core.Sync;

namespace FieldSync.Storage;

/// <summary>
/// Retiring user scopes on Azure Tables (<see cref="IScopeRetirements"/>), in the tables of <see cref="TableFeedStore"/>:
/// the list of scopes being retired is partition <c>retiring</c> of <c>&lt;prefix&gt;scopes</c>; the scope's rows are its
/// partition of <c>&lt;prefix&gt;feed</c>; its reverse-index entries are rows of <c>&lt;prefix&gt;holders</c>. The head
/// carries <c>State</c> (<c>retiring</c>, <c>retired</c>), which no commit writes, so a rebuilt scope is live again.
/// </summary>
public sealed class TableScopeRetirements(TableFeedStore store) : IScopeRetirements
{
    private const string Head = "head";
    private const string Retiring = "retiring";
    private const int Parallelism = 8;

    private readonly TableClient feed = store.FeedTable;
    private readonly TableClient scopes = store.ScopesTable;
    private readonly TableClient holders = store.HoldersTable;

    public async Task EnlistAsync(string scopeId, CancellationToken cancellationToken)
    {
        await store.Created;
        await scopes.UpsertEntityAsync(new TableEntity(Retiring, TableFeedStore.RegistrationKey(scopeId)) { ["ScopeId"] = scopeId }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListAsync(int max, CancellationToken cancellationToken)
    {
        await store.Created;
        var list = new List<string>();
        await foreach (var page in scopes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Retiring}"), Math.Min(max, 1000), ["ScopeId"], cancellationToken).AsPages())
        {
            list.AddRange(page.Values.Select(e => e.GetString("ScopeId")).Take(max - list.Count));
            break;
        }
        return list;
    }

    public async Task DelistAsync(string scopeId, CancellationToken cancellationToken)
    {
        await store.Created;
        await DeleteQuietlyAsync(scopes, Retiring, TableFeedStore.RegistrationKey(scopeId), ETag.All, cancellationToken);
    }

    public async Task<bool> BeginAsync(ScopeHead head, CancellationToken cancellationToken)
    {
        await store.Created;
        // One seq above every op the scope ever had: every bucket's last seq and floor move there, so any checkpoint of the
        // old log is below the floor (it must start over) and a rebuild's ops come after it.
        var reserved = head.Seq + 1;
        var buckets = head.Buckets.Values.ToDictionary(b => b.Table, b => b with { LastSeq = reserved, Count = 0, Checksum = 0, Floor = reserved }, StringComparer.Ordinal);
        var evaluation = new ScopeEvaluation(head.ProfileId ?? "", head.ProfileRevision ?? "", head.ResourceId, head.EvaluatedOn ?? DateTimeOffset.MinValue);
        var entity = TableFeedStore.HeadEntity(head.ScopeId, reserved, evaluation, buckets);
        entity["State"] = "retiring";
        try
        {
            await feed.UpdateEntityAsync(entity, new ETag(head.ETag), TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    public async Task<RetirementStep> DeleteChunkAsync(ScopeHead head, int maxRows, CancellationToken cancellationToken)
    {
        await store.Created;
        if (head.State != ScopeState.Retiring)
        {
            return new RetirementStep(0, head.State == ScopeState.Retired, head);
        }
        var size = Math.Clamp(maxRows, 1, ScopeRetirement.MaxChunkRows);
        // Every row but the head: members (m|...) and ops (o|...) sort after "head".
        var rows = new List<string>(size);
        await foreach (var page in feed.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {head.ScopeId} and RowKey gt {Head}"), size, ["RowKey"], cancellationToken).AsPages(pageSizeHint: size))
        {
            rows.AddRange(page.Values.Select(e => e.RowKey).Take(size));
            break;
        }
        if (rows.Count == 0)
        {
            // The last step: the entry that lists the scope as a holder of its technician's resource, then the mark.
            IReadOnlyCollection<RecordKey> resource = head.ResourceId is { } id ? [new RecordKey(ScopeEvaluator.ResourceTable, id)] : [];
            if (!await UnindexAsync(head, resource, cancellationToken))
            {
                return new RetirementStep(0, false, null);
            }
            var done = await MarkAsync(head, "retired", [], cancellationToken);
            return done is null ? new RetirementStep(0, false, null) : new RetirementStep(0, true, done);
        }
        var members = rows.Where(r => r.StartsWith("m|", StringComparison.Ordinal))
            .Select(r => r.Split('|', 3)).Select(p => new RecordKey(p[1], p[2])).ToList();
        if (!await UnindexAsync(head, members, cancellationToken))
        {
            return new RetirementStep(0, false, null);
        }
        var after = await MarkAsync(head, "retiring", rows, cancellationToken);
        return after is null ? new RetirementStep(0, false, null) : new RetirementStep(rows.Count, false, after);
    }

    public async Task<bool> UnindexAsync(ScopeHead head, IReadOnlyCollection<RecordKey> keys, CancellationToken cancellationToken)
    {
        await store.Created;
        if (keys.Count == 0 || !ScopeIds.IsUserScope(head.ScopeId))
        {
            return true;
        }
        // Each entry's ETag first, then the head: an entry a rebuild writes after these reads has another ETag (its delete
        // below fails), and one written before them means the rebuild moved the head first (nothing is deleted).
        var found = new System.Collections.Concurrent.ConcurrentBag<(string Partition, ETag ETag)>();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (key, ct) =>
        {
            var partition = TableFeedStore.HolderPartition(key.Table, key.Id);
            var entry = await holders.GetEntityIfExistsAsync<TableEntity>(partition, head.ScopeId, ["PartitionKey"], ct);
            if (entry.HasValue)
            {
                found.Add((partition, entry.Value!.ETag));
            }
        });
        var now = await feed.GetEntityIfExistsAsync<TableEntity>(head.ScopeId, Head, ["PartitionKey"], cancellationToken);
        if (!now.HasValue || now.Value!.ETag.ToString() != head.ETag)
        {
            return false;
        }
        await Parallel.ForEachAsync(found, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (entry, ct) => await DeleteQuietlyAsync(holders, entry.Partition, head.ScopeId, entry.ETag, ct));
        return true;
    }

    public async Task<bool> MarkRegistrationRetiredAsync(string scopeId, CancellationToken cancellationToken)
    {
        await store.Created;
        var key = TableFeedStore.RegistrationKey(scopeId);
        var registration = await scopes.GetEntityIfExistsAsync<TableEntity>(TableFeedStore.AllScopes, key, cancellationToken: cancellationToken);
        var head = await feed.GetEntityIfExistsAsync<TableEntity>(scopeId, Head, ["State"], cancellationToken);
        if (!head.HasValue || head.Value!.GetString("State") != "retired")
        {
            return false;
        }
        if (!registration.HasValue)
        {
            return true;
        }
        try
        {
            // On the ETag read before the head: a first sync that registered the scope again since then wins.
            await scopes.UpdateEntityAsync(new TableEntity(TableFeedStore.AllScopes, key) { ["Retired"] = true }, registration.Value!.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Deletes <paramref name="rows"/> and merges the head's state in one transaction conditional on the head; the head after it, or null when it moved.</summary>
    private async Task<ScopeHead?> MarkAsync(ScopeHead head, string state, IReadOnlyList<string> rows, CancellationToken cancellationToken)
    {
        List<TableTransactionAction> actions =
        [
            .. rows.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(head.ScopeId, row), ETag.All)),
            new(TableTransactionActionType.UpdateMerge, new TableEntity(head.ScopeId, Head) { ["State"] = state }, new ETag(head.ETag)),
        ];
        try
        {
            var response = await feed.SubmitTransactionAsync(actions, cancellationToken);
            var etag = response.Value[^1].Headers.ETag?.ToString();
            return etag is null
                ? await ReadHeadAsync(head.ScopeId, cancellationToken)
                : head with { ETag = etag, State = state == "retired" ? ScopeState.Retired : ScopeState.Retiring };
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return null; // another run or a comeback moved the head (or deleted some of these rows) first
        }
    }

    private async Task<ScopeHead?> ReadHeadAsync(string scopeId, CancellationToken cancellationToken)
    {
        var entity = await feed.GetEntityIfExistsAsync<TableEntity>(scopeId, Head, cancellationToken: cancellationToken);
        return entity.HasValue ? TableFeedStore.ToHead(entity.Value!) : null;
    }

    private static async Task DeleteQuietlyAsync(TableClient table, string partition, string row, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partition, row, ifMatch, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
        }
    }
}
