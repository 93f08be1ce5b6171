using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using FieldSync.Core.Sync;

namespace FieldSync.Storage;

/// <summary>
/// The change feed on Azure Tables. Table <c>&lt;prefix&gt;feed</c>, one partition per scope:
/// <list type="bullet">
/// <item><c>head</c>: <c>Seq</c>, the evaluated profile and resource, and per bucket (table) <c>s_</c> last seq,
/// <c>n_</c> live count, <c>x_</c> checksum, <c>f_</c> floor (checkpoints below it must resync).</item>
/// <item><c>m|table|id</c>: membership: delivered version, in or out, the seq of its op, <c>l_</c> lookups.</item>
/// <item><c>o|table|seq</c>: the op log. One op per record: a newer op deletes the older one in the same
/// transaction, so the log is always compacted and a first sync reads each live record once.</item>
/// </list>
/// Every transaction updates the head with If-Match, which makes appends to one scope strictly sequential.
/// </summary>
public sealed class TableFeedStore(TableServiceClient service, StorageOptions options) : IFeedStore
{
    private const string Head = "head";
    private const int MaxActionsPerTransaction = 100; // the entity-group transaction limit, head included
    private const int MaxTransactionPayloadChars = 1_500_000; // stay well inside the 4 MiB transaction limit
    private const int DataChunkChars = 30_000; // a string property holds at most 32K UTF-16 characters
    private const int MaxPageEntities = 1000; // the most entities one query page returns

    private readonly TableClient feed = service.GetTableClient(options.TablePrefix + TableNames.Feed);
    private readonly TableClient scopes = service.GetTableClient(options.TablePrefix + TableNames.Scopes);
    private readonly TableClient holders = service.GetTableClient(options.TablePrefix + TableNames.Holders);
    private readonly CreateOnce created = new(() => Task.WhenAll(
        service.GetTableClient(options.TablePrefix + TableNames.Feed).CreateIfNotExistsAsync(),
        service.GetTableClient(options.TablePrefix + TableNames.Scopes).CreateIfNotExistsAsync(),
        service.GetTableClient(options.TablePrefix + TableNames.Holders).CreateIfNotExistsAsync()));

    /// <summary>The tables, for <see cref="TableScopeRetirements"/>, which works on the same partitions and rows.</summary>
    internal TableClient FeedTable => feed;

    internal TableClient ScopesTable => scopes;

    internal TableClient HoldersTable => holders;

    /// <summary>Completes once the three tables exist.</summary>
    internal Task Created => created.Value;

    public async Task<ScopeHead?> GetHeadAsync(string scopeId, CancellationToken cancellationToken)
    {
        await created.Value;
        var response = await feed.GetEntityIfExistsAsync<TableEntity>(scopeId, Head, cancellationToken: cancellationToken);
        return response.HasValue ? ToHead(response.Value!) : null;
    }

    public async Task<IReadOnlyList<Member>> GetMembersAsync(string scopeId, CancellationToken cancellationToken)
    {
        await created.Value;
        var members = new List<Member>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scopeId} and RowKey ge {"m|"} and RowKey lt {"m}"}");
        await foreach (var entity in feed.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            members.Add(ToMember(entity));
        }
        return members;
    }

    public async Task<Member?> GetMemberAsync(string scopeId, string table, string id, CancellationToken cancellationToken)
    {
        await created.Value;
        var response = await feed.GetEntityIfExistsAsync<TableEntity>(scopeId, MemberKey(table, id), cancellationToken: cancellationToken);
        return response.HasValue ? ToMember(response.Value!) : null;
    }

    public async Task<IReadOnlyList<Member>> GetBucketMembersAsync(string scopeId, string table, CancellationToken cancellationToken)
    {
        await created.Value;
        var members = new List<Member>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scopeId} and RowKey ge {$"m|{table}|"} and RowKey lt {$"m|{table}}}"}");
        await foreach (var entity in feed.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            members.Add(ToMember(entity));
        }
        return members;
    }

    public async Task<IReadOnlyList<FeedOp>> ReadOpsAtAsync(string scopeId, string table, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken)
    {
        await created.Value;
        var wanted = seqs.Where(s => s > 0).Distinct().Order().ToList();
        // Greedy windows: each starts at the first sequence not covered yet and ends at the last wanted one within
        // 1,000 of it. Sequence numbers are unique in the scope, so a window holds at most 1,000 ops: one page.
        var windows = new List<(long From, long To)>();
        for (var i = 0; i < wanted.Count;)
        {
            var from = wanted[i];
            while (i < wanted.Count && wanted[i] - from < MaxPageEntities)
            {
                i++;
            }
            windows.Add((from, wanted[i - 1]));
        }
        var wantedSet = wanted.ToHashSet();
        var found = new System.Collections.Concurrent.ConcurrentBag<FeedOp>();
        await Parallel.ForEachAsync(windows, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (window, ct) =>
        {
            if (window.From == window.To)
            {
                var one = await feed.GetEntityIfExistsAsync<TableEntity>(scopeId, OpKey(table, window.From), cancellationToken: ct);
                if (one.HasValue)
                {
                    found.Add(ToOp(table, one.Value!));
                }
                return;
            }
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scopeId} and RowKey ge {OpKey(table, window.From)} and RowKey le {OpKey(table, window.To)}");
            await foreach (var entity in feed.QueryAsync<TableEntity>(filter, MaxPageEntities, cancellationToken: ct))
            {
                var op = ToOp(table, entity);
                if (wantedSet.Contains(op.Seq))
                {
                    found.Add(op);
                }
            }
        });
        return [.. found.OrderBy(op => op.Seq)];
    }

    public async Task<IReadOnlyList<Member>> FindMembersAsync(string scopeId, string table, string column, string value, CancellationToken cancellationToken)
    {
        await created.Value;
        // The bucket's key range, matched here: one technician's bucket is small, and a property filter would read the
        // same rows on the service while looking like a scan to the cost checks.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scopeId} and RowKey ge {$"m|{table}|"} and RowKey lt {$"m|{table}}}"}");
        var members = new List<Member>();
        await foreach (var entity in feed.QueryAsync<TableEntity>(filter, 1000, cancellationToken: cancellationToken))
        {
            if (entity.GetBoolean("In") == true && entity.GetString("l_" + column) == value)
            {
                members.Add(ToMember(entity));
            }
        }
        return members;
    }

    public async Task IndexReferencesAsync(string scopeId, IReadOnlyCollection<RecordKey> referenced, CancellationToken cancellationToken)
    {
        await created.Value;
        await Parallel.ForEachAsync(referenced, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (key, ct) => await holders.UpsertEntityAsync(new TableEntity(HolderPartition(key.Table, key.Id), scopeId), TableUpdateMode.Replace, ct));
    }

    public async Task<bool> CommitAsync(string scopeId, ScopeHead? expected, ScopeEvaluation evaluation, IReadOnlyList<MemberChange> changes,
        DateTimeOffset now, CancellationToken cancellationToken, IReadOnlyCollection<RecordKey>? indexed = null)
    {
        await created.Value;
        var seq = expected?.Seq ?? 0;
        if (changes.Any(c => c.Previous is { } previous && previous.OpSeq > seq))
        {
            // Members were read after the head and one is newer than it: another writer committed in between.
            return false;
        }
        var buckets = expected?.Buckets.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)
            ?? new Dictionary<string, BucketState>(StringComparer.Ordinal);
        var etag = expected?.ETag;
        // Reverse index first for records entering a bucket, so it never misses a scope that holds a record.
        // Only user scopes need it: the fan-out finds a profile's shared scope from the profile alone.
        var isUserScope = ScopeIds.IsUserScope(scopeId);
        var indexedByCaller = indexed?.ToHashSet() ?? [];
        await Parallel.ForEachAsync(changes.Where(c => isUserScope && c.Kind == FeedOpKind.Put && c.Previous is not { In: true } && !indexedByCaller.Contains(new RecordKey(c.Table, c.Id))),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (change, ct) => await holders.UpsertEntityAsync(new TableEntity(HolderPartition(change.Table, change.Id), scopeId), TableUpdateMode.Replace, ct));
        // For records leaving, note the index entry's ETag now: if a concurrent evaluation re-adds the record
        // after our commit, its upsert changes the ETag and our delete below leaves the entry alone.
        var leaving = new System.Collections.Concurrent.ConcurrentDictionary<MemberChange, ETag>();
        await Parallel.ForEachAsync(changes.Where(c => isUserScope && c.Kind == FeedOpKind.Remove && !indexedByCaller.Contains(new RecordKey(c.Table, c.Id))),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (change, ct) =>
            {
                var holder = await holders.GetEntityIfExistsAsync<TableEntity>(HolderPartition(change.Table, change.Id), scopeId, ["PartitionKey"], ct);
                if (holder.HasValue)
                {
                    leaving[change] = holder.Value!.ETag;
                }
            });
        var index = 0;
        do
        {
            var actions = new List<TableTransactionAction>();
            var payload = 0;
            // A change takes 2 actions (member, op) or 3 (and the delete of its previous op); one is kept for the head.
            while (index < changes.Count && actions.Count + 3 < MaxActionsPerTransaction && payload < MaxTransactionPayloadChars)
            {
                var change = changes[index++];
                payload += change.Data?.Length ?? 0;
                seq++;
                var bucket = buckets.TryGetValue(change.Table, out var b) ? b : BucketState.Empty(change.Table);
                var previous = change.Previous;
                var checksum = bucket.Checksum;
                var count = bucket.Count;
                if (previous is { In: true })
                {
                    checksum ^= BucketChecksum.Of(previous.Id, previous.Version);
                    count--;
                }
                if (change.Kind == FeedOpKind.Put)
                {
                    checksum ^= BucketChecksum.Of(change.Id, change.Version);
                    count++;
                }
                buckets[change.Table] = bucket with { LastSeq = seq, Count = count, Checksum = checksum };
                if (previous is not null && previous.OpSeq > 0)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete,
                        new TableEntity(scopeId, OpKey(change.Table, previous.OpSeq)), ETag.All));
                }
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, MemberEntity(scopeId, change, seq)));
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, OpEntity(scopeId, change, seq, now)));
            }
            var head = HeadEntity(scopeId, seq, evaluation, buckets);
            actions.Add(etag is null
                ? new TableTransactionAction(TableTransactionActionType.Add, head)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, head, new ETag(etag)));
            try
            {
                var response = await feed.SubmitTransactionAsync(actions, cancellationToken);
                etag = response.Value[^1].Headers.ETag?.ToString()
                    ?? (await feed.GetEntityAsync<TableEntity>(scopeId, Head, ["Seq"], cancellationToken)).Value.ETag.ToString();
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 or 404)
            {
                // Another writer moved the head (or created the scope) first. What earlier transactions of this
                // commit wrote is consistent on its own; the caller re-reads and continues from there.
                return false;
            }
        }
        while (index < changes.Count);
        // ...and removed only after the record has left.
        await Parallel.ForEachAsync(leaving, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (entry, ct) =>
            {
                try
                {
                    await holders.DeleteEntityAsync(HolderPartition(entry.Key.Table, entry.Key.Id), scopeId, entry.Value, ct);
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                {
                }
            });
        return true;
    }

    public async Task<IReadOnlyList<string>> ScopesHoldingAsync(string table, string id, CancellationToken cancellationToken)
    {
        await created.Value;
        var list = new List<string>();
        await foreach (var entity in holders.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {HolderPartition(table, id)}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            list.Add(entity.RowKey);
        }
        return list;
    }

    internal static string HolderPartition(string table, string id) => $"{table}|{id}";

    public async Task<FeedPage> ReadOpsAsync(string scopeId, string table, long afterSeq, int max, CancellationToken cancellationToken)
    {
        await created.Value;
        var from = OpKey(table, afterSeq + 1);
        var to = $"o|{table}}}";
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scopeId} and RowKey ge {from} and RowKey lt {to}");
        var ops = new List<FeedOp>(Math.Min(max, 1000));
        await foreach (var page in feed.QueryAsync<TableEntity>(filter, Math.Min(max + 1, 1000), cancellationToken: cancellationToken).AsPages())
        {
            foreach (var entity in page.Values)
            {
                if (ops.Count == max)
                {
                    return new FeedPage(ops, true);
                }
                ops.Add(ToOp(table, entity));
            }
            if (ops.Count == max)
            {
                return new FeedPage(ops, page.ContinuationToken is not null);
            }
        }
        return new FeedPage(ops, false);
    }

    public async Task<int> CompactAsync(string scopeId, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await created.Value;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var head = await GetHeadAsync(scopeId, cancellationToken);
            if (head is not { State: ScopeState.Live })
            {
                return 0; // none, or being retired: replacing that head would bring the scope back
            }
            // The ops' key range, with only the columns needed; which are expired removes is decided here.
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scopeId} and RowKey ge {"o|"} and RowKey lt {"o}"}");
            var expired = new List<TableEntity>();
            await foreach (var op in feed.QueryAsync<TableEntity>(filter, 1000, ["RowKey", "Id", "Table", "Op", "At"], cancellationToken))
            {
                if (op.GetString("Op") == "remove" && op.GetDateTimeOffset("At") is { } at && at < before)
                {
                    expired.Add(op);
                }
            }
            if (expired.Count == 0)
            {
                return 0;
            }
            var buckets = head.Buckets.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            var etag = head.ETag;
            var dropped = 0;
            foreach (var chunk in expired.Chunk(49))
            {
                var actions = new List<TableTransactionAction>();
                foreach (var op in chunk)
                {
                    var table = op.GetString("Table");
                    var seq = long.Parse(op.RowKey[(op.RowKey.LastIndexOf('|') + 1)..], CultureInfo.InvariantCulture);
                    var bucket = buckets.TryGetValue(table, out var b) ? b : BucketState.Empty(table);
                    buckets[table] = bucket with { Floor = Math.Max(bucket.Floor, seq) };
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(scopeId, op.RowKey), ETag.All));
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(scopeId, MemberKey(table, op.GetString("Id"))), ETag.All));
                }
                var evaluation = new ScopeEvaluation(head.ProfileId ?? "", head.ProfileRevision ?? "", head.ResourceId, head.EvaluatedOn ?? DateTimeOffset.MinValue);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, HeadEntity(scopeId, head.Seq, evaluation, buckets), new ETag(etag)));
                try
                {
                    var response = await feed.SubmitTransactionAsync(actions, cancellationToken);
                    etag = response.Value[^1].Headers.ETag?.ToString()
                        ?? (await feed.GetEntityAsync<TableEntity>(scopeId, Head, ["Seq"], cancellationToken)).Value.ETag.ToString();
                    dropped += chunk.Length;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
                {
                    break; // a writer moved the head (or re-added a record): start over with a fresh read
                }
            }
            if (dropped == expired.Count)
            {
                return dropped;
            }
        }
        return 0;
    }

    /// <summary>Registrations live in three partitions of the scopes table: every scope, each profile's scopes, and those being built.</summary>
    internal const string AllScopes = "scope";
    private const string Building = "building";

    private static string ProfileScopes(string profileId) => "p|" + profileId;

    internal static string RegistrationKey(string scopeId) => scopeId.Replace('|', '~');

    public async Task RegisterScopeAsync(ScopeRegistration registration, CancellationToken cancellationToken)
    {
        await created.Value;
        var key = RegistrationKey(registration.ScopeId);
        var before = await GetScopeAsync(registration.ScopeId, cancellationToken);
        TableEntity Entity(string partition) => new(partition, key)
        {
            ["ScopeId"] = registration.ScopeId,
            ["ProfileId"] = registration.ProfileId,
            ["UserId"] = registration.UserId,
            ["Building"] = registration.Building,
        };
        // The lists are written before the registration and cleaned after it, so a reader of a list may see a scope
        // too many (its evaluation then finds nothing to do), never one too few.
        if (before?.ProfileId != registration.ProfileId)
        {
            await scopes.UpsertEntityAsync(Entity(ProfileScopes(registration.ProfileId)), TableUpdateMode.Replace, cancellationToken);
        }
        if (registration.Building)
        {
            await scopes.UpsertEntityAsync(Entity(Building), TableUpdateMode.Replace, cancellationToken);
        }
        await scopes.UpsertEntityAsync(Entity(AllScopes), TableUpdateMode.Replace, cancellationToken);
        if (before is not null && before.ProfileId != registration.ProfileId)
        {
            await DeleteIfExistsAsync(ProfileScopes(before.ProfileId), key, cancellationToken);
        }
        if (!registration.Building && before is { Building: true })
        {
            await DeleteIfExistsAsync(Building, key, cancellationToken);
        }
    }

    private async Task DeleteIfExistsAsync(string partition, string key, CancellationToken cancellationToken)
    {
        try
        {
            await scopes.DeleteEntityAsync(partition, key, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    private const string Cursors = "cursor";

    public async Task<FeedCursor?> GetCursorAsync(string name, CancellationToken cancellationToken)
    {
        await created.Value;
        var entity = await scopes.GetEntityIfExistsAsync<TableEntity>(Cursors, name, cancellationToken: cancellationToken);
        return entity.HasValue && entity.Value!.GetDateTimeOffset("At") is { } at ? new FeedCursor(at, entity.Value.ETag.ToString()) : null;
    }

    public async Task<bool> TrySetCursorAsync(string name, DateTimeOffset at, FeedCursor? expected, CancellationToken cancellationToken)
    {
        await created.Value;
        var entity = new TableEntity(Cursors, name) { ["At"] = at };
        try
        {
            if (expected is null)
            {
                await scopes.AddEntityAsync(entity, cancellationToken);
            }
            else
            {
                await scopes.UpdateEntityAsync(entity, new ETag(expected.ETag), TableUpdateMode.Replace, cancellationToken);
            }
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412 or 404)
        {
            return false;
        }
    }

    public async Task<ScopeRegistration?> GetScopeAsync(string scopeId, CancellationToken cancellationToken)
    {
        await created.Value;
        var entity = await scopes.GetEntityIfExistsAsync<TableEntity>(AllScopes, RegistrationKey(scopeId), cancellationToken: cancellationToken);
        return entity.HasValue ? ToRegistration(entity.Value!) : null;
    }

    public async Task<IReadOnlyList<ScopeRegistration>> ListBuildingScopesAsync(CancellationToken cancellationToken)
    {
        await created.Value;
        var list = new List<ScopeRegistration>();
        await foreach (var e in scopes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Building}"), 1000, cancellationToken: cancellationToken))
        {
            list.Add(ToRegistration(e));
        }
        return list;
    }

    public async Task<ScopeListPage> ListScopesAsync(string? profileId, string? after, int max, CancellationToken cancellationToken)
    {
        await created.Value;
        var partition = profileId is null ? AllScopes : ProfileScopes(profileId);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after}");
        var page = new List<TableEntity>(max);
        await foreach (var chunk in scopes.QueryAsync<TableEntity>(filter, Math.Min(max, 1000), cancellationToken: cancellationToken).AsPages(pageSizeHint: Math.Min(max, 1000)))
        {
            page.AddRange(chunk.Values.Take(max - page.Count));
            if (page.Count >= max || chunk.ContinuationToken is null)
            {
                break;
            }
        }
        return new ScopeListPage([.. page.Select(ToRegistration)], page.Count >= max ? page[^1].RowKey : null);
    }

    private static ScopeRegistration ToRegistration(TableEntity e)
        => new(e.GetString("ScopeId"), e.GetString("ProfileId"), e.GetString("UserId"), e.GetBoolean("Building") == true, e.GetBoolean("Retired") == true);

    private static string MemberKey(string table, string id) => $"m|{table}|{id}";

    private static string OpKey(string table, long seq) => $"o|{table}|{seq.ToString("D19", CultureInfo.InvariantCulture)}";

    private static TableEntity MemberEntity(string scopeId, MemberChange change, long seq)
    {
        var entity = new TableEntity(scopeId, MemberKey(change.Table, change.Id))
        {
            ["V"] = change.Version,
            ["In"] = change.Kind == FeedOpKind.Put,
            ["Seq"] = seq,
        };
        foreach (var (column, value) in change.Links)
        {
            entity["l_" + column] = value;
        }
        return entity;
    }

    private static TableEntity OpEntity(string scopeId, MemberChange change, long seq, DateTimeOffset now)
    {
        var entity = new TableEntity(scopeId, OpKey(change.Table, seq))
        {
            ["Table"] = change.Table,
            ["Id"] = change.Id,
            ["Op"] = change.Kind == FeedOpKind.Put ? "put" : "remove",
            ["V"] = change.Version,
            ["At"] = now,
        };
        var data = change.Data ?? string.Empty;
        for (int i = 0, part = 0; i < data.Length; i += DataChunkChars, part++)
        {
            entity["D" + part.ToString(CultureInfo.InvariantCulture)] = data.Substring(i, Math.Min(DataChunkChars, data.Length - i));
        }
        return entity;
    }

    internal static TableEntity HeadEntity(string scopeId, long seq, ScopeEvaluation evaluation, IReadOnlyDictionary<string, BucketState> buckets)
    {
        var entity = new TableEntity(scopeId, Head)
        {
            ["Seq"] = seq,
            ["ProfileId"] = evaluation.ProfileId,
            ["ProfileRevision"] = evaluation.ProfileRevision,
            ["ResourceId"] = evaluation.ResourceId,
            ["EvaluatedOn"] = evaluation.EvaluatedOn,
        };
        foreach (var bucket in buckets.Values)
        {
            entity["s_" + bucket.Table] = bucket.LastSeq;
            entity["n_" + bucket.Table] = bucket.Count;
            entity["x_" + bucket.Table] = bucket.Checksum;
            entity["f_" + bucket.Table] = bucket.Floor;
        }
        return entity;
    }

    internal static ScopeHead ToHead(TableEntity entity)
    {
        var buckets = new Dictionary<string, BucketState>(StringComparer.Ordinal);
        foreach (var key in entity.Keys)
        {
            if (key.StartsWith("s_", StringComparison.Ordinal))
            {
                var table = key[2..];
                buckets[table] = new BucketState(table, entity.GetInt64(key) ?? 0, entity.GetInt64("n_" + table) ?? 0,
                    entity.GetInt64("x_" + table) ?? 0, entity.GetInt64("f_" + table) ?? 0);
            }
        }
        return new ScopeHead(entity.PartitionKey, entity.GetInt64("Seq") ?? 0, entity.GetString("ProfileId"), entity.GetString("ProfileRevision"), entity.GetString("ResourceId"),
            entity.GetDateTimeOffset("EvaluatedOn"), buckets, entity.ETag.ToString())
        {
            // Written only by the retirement (TableScopeRetirements); a commit replaces the head without it, so a rebuilt scope is live.
            State = entity.GetString("State") switch
            {
                "retiring" => ScopeState.Retiring,
                "retired" => ScopeState.Retired,
                _ => ScopeState.Live,
            },
        };
    }

    private static Member ToMember(TableEntity entity)
    {
        var parts = entity.RowKey.Split('|', 3);
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in entity)
        {
            if (key.StartsWith("l_", StringComparison.Ordinal) && value is string s)
            {
                links[key[2..]] = s;
            }
        }
        return new Member(parts[1], parts[2], entity.GetInt64("V") ?? 0, entity.GetBoolean("In") ?? false, entity.GetInt64("Seq") ?? 0, links);
    }

    private static FeedOp ToOp(string table, TableEntity entity)
    {
        var seq = long.Parse(entity.RowKey[(entity.RowKey.LastIndexOf('|') + 1)..], CultureInfo.InvariantCulture);
        var kind = entity.GetString("Op") == "remove" ? FeedOpKind.Remove : FeedOpKind.Put;
        string? data = null;
        if (kind == FeedOpKind.Put)
        {
            var builder = new StringBuilder();
            for (var part = 0; entity.TryGetValue("D" + part.ToString(CultureInfo.InvariantCulture), out var chunk) && chunk is string text; part++)
            {
                builder.Append(text);
            }
            data = builder.ToString();
        }
        return new FeedOp(table, seq, entity.GetString("Id"), kind, entity.GetInt64("V") ?? 0, data, entity.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue);
    }
}
