using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FieldSync.Core.Push;

namespace FieldSync.Storage;

/// <summary>
/// Device inboxes on Azure Tables. Table <c>&lt;prefix&gt;inbox</c>, one partition per device: <c>head</c>
/// (accepted and processed sequences), <c>b|sequence</c> batches (status, content hash, changes and outcomes) and
/// <c>id|batchId</c> (batch id to sequence, for idempotent re-sends). Changes and outcomes are UTF-8 JSON in
/// binary properties of 64 KiB, up to <see cref="RowChunks"/> in the batch row; what does not fit (a batch near
/// the 1 MiB body limit, outcomes with large server records) goes to part rows <c>p|sequence|c|n</c> and
/// <c>p|sequence|o|n</c>, written in the same transaction as the batch row, so an entity never passes 1 MiB.
/// Accepting writes the batch, its parts, its id and the head in one transaction; completing writes the status,
/// the outcomes and the head in one. Table <c>&lt;prefix&gt;pushpending</c> lists devices with work waiting, for
/// the sweeper that re-queues devices whose message was lost.
/// </summary>
public sealed class TableInbox(TableServiceClient service, StorageOptions options, TimeProvider? clock = null) : IInbox
{
    private const string Head = "head";
    private const string PendingPartition = "pending";

    /// <summary>Reads and conditional writes a lease attempt makes while other writes keep moving the head.</summary>
    private const int LeaseAttempts = 8;
    /// <summary>Azure Tables caps a binary property at 64 KiB.</summary>
    private const int ChunkBytes = 64 * 1024;
    /// <summary>
    /// Chunks per entity: 704 KiB. Azure counts a binary property's bytes towards the 1 MiB entity cap, Azurite the
    /// entity's JSON (Base64, 4/3 larger): 11 chunks fit under both with room for the other properties.
    /// </summary>
    private const int RowChunks = 11;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly TableClient table = service.GetTableClient(options.TablePrefix + TableNames.Inbox);
    private readonly TableClient pending = service.GetTableClient(options.TablePrefix + TableNames.PushPending);
    private readonly CreateOnce created = new(() => Task.WhenAll(
        service.GetTableClient(options.TablePrefix + TableNames.Inbox).CreateIfNotExistsAsync(),
        service.GetTableClient(options.TablePrefix + TableNames.PushPending).CreateIfNotExistsAsync()));

    public async Task<InboxHead> GetHeadAsync(string deviceId, CancellationToken cancellationToken)
    {
        await created.Value;
        var response = await table.GetEntityIfExistsAsync<TableEntity>(deviceId, Head, cancellationToken: cancellationToken);
        return response.HasValue ? ToHead(response.Value!) : new InboxHead(deviceId, 0, 0, null);
    }

    public async Task<(AcceptResult Result, InboxBatch? Batch)> AcceptAsync(InboxBatch batch, InboxHead head, CancellationToken cancellationToken)
    {
        await created.Value;
        if (batch.Sequence <= head.AcceptedSequence)
        {
            var existing = await GetBatchAsync(batch.DeviceId, batch.BatchId, cancellationToken);
            return existing is not null ? (AcceptResult.Duplicate, existing) : (AcceptResult.SequenceNotIncreasing, null);
        }
        // Listed as waiting before the batch exists, so the sweeper can never miss a stored batch; and in the by-day index
        // before it exists, so the purge can never miss one (an entry whose batch was never stored is simply dropped).
        await Task.WhenAll(
            pending.UpsertEntityAsync(new TableEntity(PendingPartition, batch.DeviceId) { ["Since"] = batch.AcceptedOn, ["Sequence"] = batch.Sequence },
                TableUpdateMode.Replace, cancellationToken),
            table.UpsertEntityAsync(new TableEntity(PurgeDay(batch.AcceptedOn), PurgeKey(batch.DeviceId, batch.Sequence)) { ["BatchId"] = batch.BatchId },
                TableUpdateMode.Replace, cancellationToken));
        // Merge, not replace: the head also carries the apply lease, which accepting must not disturb.
        var headEntity = HeadEntity(head.Accepting(batch));
        var (batchEntity, parts) = BatchEntities(batch);
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.Add, batchEntity),
            .. parts.Select(part => new TableTransactionAction(TableTransactionActionType.UpsertReplace, part)),
            new(TableTransactionActionType.Add, new TableEntity(batch.DeviceId, IdKey(batch.BatchId)) { ["Sequence"] = batch.Sequence }),
            head.ETag is null
                ? new(TableTransactionActionType.Add, headEntity)
                : new(TableTransactionActionType.UpdateMerge, headEntity, new ETag(head.ETag)),
        ];
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
            return (AcceptResult.Accepted, batch); // exactly what was written: no need to read it back
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            // 404: the head was deleted meanwhile (the cleanup removed this device's idle inbox): start over from no head.
            var existing = await GetBatchAsync(batch.DeviceId, batch.BatchId, cancellationToken);
            return existing is not null ? (AcceptResult.Duplicate, existing) : (AcceptResult.Contended, null);
        }
    }

    public async Task<InboxBatch?> GetBatchAsync(string deviceId, string batchId, CancellationToken cancellationToken)
    {
        await created.Value;
        var map = await table.GetEntityIfExistsAsync<TableEntity>(deviceId, IdKey(batchId), cancellationToken: cancellationToken);
        if (!map.HasValue)
        {
            return null;
        }
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(deviceId, BatchKey(map.Value!.GetInt64("Sequence") ?? 0), cancellationToken: cancellationToken);
        return entity.HasValue ? await ToBatchAsync(entity.Value!, cancellationToken) : null;
    }

    public async Task<IReadOnlyList<InboxBatch>> PendingAsync(string deviceId, long processedSequence, CancellationToken cancellationToken)
        => await RangeAsync(deviceId, processedSequence, int.MaxValue, cancellationToken, pendingOnly: true);

    public async Task<InboxBatch?> NextPendingAsync(string deviceId, long processedSequence, CancellationToken cancellationToken)
        => (await RangeAsync(deviceId, processedSequence, 1, cancellationToken, pendingOnly: true)).FirstOrDefault();

    public async Task<bool> CompleteAsync(InboxBatch batch, BatchStatus status, IReadOnlyList<ChangeOutcome> outcomes, InboxHead head, CancellationToken cancellationToken)
    {
        await created.Value;
        if (head.ETag is null)
        {
            return false;
        }
        var headEntity = HeadEntity(head.Completing(batch, outcomes, (clock ?? TimeProvider.System).GetUtcNow()));
        // Merge: the batch row keeps its changes; the status and the outcomes are added (in part rows if they do not fit).
        var completed = new TableEntity(batch.DeviceId, BatchKey(batch.Sequence)) { ["Status"] = status.ToString() };
        var chunks = Chunks(JsonSerializer.SerializeToUtf8Bytes(outcomes, BatchContent.Json));
        var parts = new List<TableEntity>();
        // The changes' chunks in the row, from their canonical form (what was stored), with one chunk to spare.
        var changeChunks = Math.Min(RowChunks, (BatchContent.Serialize(batch.Changes).Length + ChunkBytes - 1) / ChunkBytes);
        if (changeChunks + chunks.Count < RowChunks)
        {
            Put(completed, "O", chunks);
            completed["OutcomeRows"] = 0;
        }
        else
        {
            parts = PartEntities(batch, "o", chunks);
            completed["ON"] = 0;
            completed["OutcomeRows"] = parts.Count;
        }
        List<TableTransactionAction> actions =
        [
            new(TableTransactionActionType.UpdateMerge, completed, ETag.All),
            .. parts.Select(part => new TableTransactionAction(TableTransactionActionType.UpsertReplace, part)),
            new(TableTransactionActionType.UpdateMerge, headEntity, new ETag(head.ETag)),
        ];
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            return false; // another worker completed it first
        }
        await ClearWaitingAsync(batch.DeviceId, batch.Sequence, cancellationToken);
        return true;
    }

    public async Task ClearWaitingAsync(string deviceId, long processedSequence, CancellationToken cancellationToken)
    {
        await created.Value;
        // No longer waiting once everything accepted is processed; a newer batch rewrote the entry (ETag) and keeps it.
        var entry = await pending.GetEntityIfExistsAsync<TableEntity>(PendingPartition, deviceId, cancellationToken: cancellationToken);
        if (entry.HasValue && (entry.Value!.GetInt64("Sequence") ?? 0) <= processedSequence)
        {
            try
            {
                await pending.DeleteEntityAsync(PendingPartition, deviceId, entry.Value.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
            }
        }
    }

    public async Task<InboxHead?> TryLeaseAsync(string deviceId, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // A 412 means only that the head changed since it was read: a batch accepted, a batch completed, a lease taken
        // or given back. Read it again; only a live lease of another worker means someone else applies. Giving up on
        // any 412 stranded batches: a worker renewing its own lease while the device's next batch was accepted gave
        // up with the lease still its own, and every message for that device then found the lease held until it
        // expired (fleet simulator, 100 devices: batches waiting for the 5-minute stall sweeper).
        for (var attempt = 0; attempt < LeaseAttempts; attempt++)
        {
            var head = await GetHeadAsync(deviceId, cancellationToken);
            if (head.ETag is null || (head.LeaseOwner is { Length: > 0 } holder && holder != owner && head.LeaseUntil > now))
            {
                return null;
            }
            try
            {
                var response = await table.UpdateEntityAsync(new TableEntity(deviceId, Head) { ["LeaseOwner"] = owner, ["LeaseUntil"] = until },
                    new ETag(head.ETag), TableUpdateMode.Merge, cancellationToken);
                return head with { ETag = response.Headers.ETag?.ToString() ?? (await GetHeadAsync(deviceId, cancellationToken)).ETag, LeaseOwner = owner, LeaseUntil = until };
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return null;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // The head moved under us: look again.
            }
        }
        return null;
    }

    public async Task ReleaseAsync(string deviceId, string owner, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var head = await GetHeadAsync(deviceId, cancellationToken);
            if (head.ETag is null || head.LeaseOwner != owner)
            {
                return;
            }
            try
            {
                await table.UpdateEntityAsync(new TableEntity(deviceId, Head) { ["LeaseOwner"] = "" }, new ETag(head.ETag), TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
            }
        }
    }

    private static InboxHead ToHead(TableEntity entity)
        => new(entity.PartitionKey, entity.GetInt64("Accepted") ?? 0, entity.GetInt64("Processed") ?? 0, entity.ETag.ToString())
        {
            LeaseOwner = entity.GetString("LeaseOwner"),
            LeaseUntil = entity.GetDateTimeOffset("LeaseUntil"),
            LastAcceptedOn = entity.GetDateTimeOffset("AcceptedOn"),
            AcceptedBatches = entity.GetInt64("AcceptedBatches") ?? 0,
            AcceptedChanges = entity.GetInt64("AcceptedChanges") ?? 0,
            ProcessedBatches = entity.GetInt64("ProcessedBatches") ?? 0,
            ProcessedChanges = entity.GetInt64("ProcessedChanges") ?? 0,
            ErrorCount = entity.GetInt64("ErrorCount") ?? 0,
            RecentErrors = entity.GetString("Errors") is { Length: > 0 } errors ? JsonSerializer.Deserialize<List<InboxError>>(errors, Json) ?? [] : [],
        };

    /// <summary>
    /// The head's sequences and counters for a merge (the lease is not among them: accepting and completing leave it
    /// to its holder). The latest errors are a small JSON list (at most <see cref="InboxHead.MaxRecentErrors"/>, messages cut short).
    /// </summary>
    private static TableEntity HeadEntity(InboxHead head)
    {
        var entity = new TableEntity(head.DeviceId, Head)
        {
            ["Accepted"] = head.AcceptedSequence,
            ["Processed"] = head.ProcessedSequence,
            ["AcceptedBatches"] = head.AcceptedBatches,
            ["AcceptedChanges"] = head.AcceptedChanges,
            ["ProcessedBatches"] = head.ProcessedBatches,
            ["ProcessedChanges"] = head.ProcessedChanges,
            ["ErrorCount"] = head.ErrorCount,
            ["Errors"] = JsonSerializer.Serialize(head.RecentErrors, Json),
        };
        if (head.LastAcceptedOn is { } accepted)
        {
            entity["AcceptedOn"] = accepted;
        }
        return entity;
    }

    public async Task<IReadOnlyList<InboxBatch>> ProcessedAfterAsync(string deviceId, long afterSequence, int max, CancellationToken cancellationToken)
    {
        var head = await GetHeadAsync(deviceId, cancellationToken);
        return (await RangeAsync(deviceId, afterSequence, max, cancellationToken)).Where(b => b.Sequence <= head.ProcessedSequence).ToList();
    }

    public async Task<IReadOnlyList<string>> StalledDevicesAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        await created.Value;
        var devices = new List<string>();
        await foreach (var entity in pending.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {PendingPartition} and Since lt {olderThan}"), cancellationToken: cancellationToken))
        {
            devices.Add(entity.RowKey);
        }
        return devices;
    }

    private async Task<List<InboxBatch>> RangeAsync(string deviceId, long afterSequence, int max, CancellationToken cancellationToken, bool pendingOnly = false)
    {
        await created.Value;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {deviceId} and RowKey gt {BatchKey(afterSequence)} and RowKey lt {"b}"}");
        var batches = new List<InboxBatch>();
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            if (pendingOnly && entity.GetString("Status") != nameof(BatchStatus.Accepted))
            {
                continue; // completed or set aside by another worker after our head was read
            }
            batches.Add(await ToBatchAsync(entity, cancellationToken));
            if (batches.Count >= max)
            {
                break;
            }
        }
        return batches;
    }

    /// <summary>
    /// The purge's by-day index: partition <c>purge|yyyy-MM-dd</c> (the UTC day the batch was accepted; no device id
    /// contains <c>|</c>, so it never meets an inbox), row <c>deviceId|sequence</c>. Days sort as text, so what is due is
    /// one key range, read from its start: the purge never reads an entry that is not due.
    /// </summary>
    private static string PurgeDay(DateTimeOffset acceptedOn) => "purge|" + acceptedOn.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string PurgeKey(string deviceId, long sequence) => deviceId + "|" + sequence.ToString("D19", CultureInfo.InvariantCulture);

    public async Task<InboxPurgeResult> PurgeProcessedAsync(DateTimeOffset acceptedBefore, int max, CancellationToken cancellationToken)
    {
        await created.Value;
        var size = Math.Clamp(max, 1, 1000);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {"purge|"} and PartitionKey lt {PurgeDay(acceptedBefore)}");
        var entries = new List<TableEntity>(size);
        string? continuation = null;
        await foreach (var page in table.QueryAsync<TableEntity>(filter, size, ["PartitionKey", "RowKey", "BatchId"], cancellationToken).AsPages(pageSizeHint: size))
        {
            entries.AddRange(page.Values.Take(size));
            continuation = page.ContinuationToken;
            break;
        }
        int purged = 0, waiting = 0;
        await Parallel.ForEachAsync(entries, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (entry, ct) =>
        {
            var bar = entry.RowKey.LastIndexOf('|');
            var deviceId = entry.RowKey[..bar];
            var sequence = long.Parse(entry.RowKey[(bar + 1)..], CultureInfo.InvariantCulture);
            switch (await PurgeBatchAsync(deviceId, sequence, entry.GetString("BatchId"), ct))
            {
                case true:
                    Interlocked.Increment(ref purged);
                    break;
                case null:
                    Interlocked.Increment(ref waiting);
                    return; // not applied yet: its entry stays, and a later run purges it once it is
            }
            await DeleteQuietlyAsync(table, entry.PartitionKey, entry.RowKey, ETag.All, ct);
        });
        return new InboxPurgeResult(purged, waiting, continuation is not null);
    }

    /// <summary>
    /// Deletes one processed batch (its row, its id row and its part rows, in one transaction). True when purged, false
    /// when it is gone already (the device's inbox was removed, or it was never stored), null when it still waits.
    /// </summary>
    private async Task<bool?> PurgeBatchAsync(string deviceId, long sequence, string? batchId, CancellationToken cancellationToken)
    {
        var batch = await table.GetEntityIfExistsAsync<TableEntity>(deviceId, BatchKey(sequence), ["Status", "BatchId", "ChangeRows", "OutcomeRows"], cancellationToken);
        if (!batch.HasValue)
        {
            return false;
        }
        if ((batch.Value!.GetString("Status") ?? nameof(BatchStatus.Accepted)) == nameof(BatchStatus.Accepted))
        {
            return null;
        }
        var rows = new List<(string Row, ETag ETag)> { (BatchKey(sequence), batch.Value.ETag), (IdKey(batch.Value.GetString("BatchId") ?? batchId ?? ""), ETag.All) };
        if ((batch.Value.GetInt32("ChangeRows") ?? 0) + (batch.Value.GetInt32("OutcomeRows") ?? 0) > 0)
        {
            var prefix = PartKey(sequence, "", 0)[..^4];
            await foreach (var part in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {deviceId} and RowKey gt {prefix} and RowKey lt {prefix + "~"}"),
                select: ["RowKey"], cancellationToken: cancellationToken))
            {
                rows.Add((part.RowKey, ETag.All));
            }
        }
        try
        {
            await table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(deviceId, r.Row), r.ETag)), cancellationToken);
        }
        catch (TableTransactionFailedException)
        {
            // A row already gone (a purge that stopped half-way before): the rest one by one, the batch row last.
            foreach (var (row, etag) in rows.Skip(1).Append(rows[0]))
            {
                await DeleteQuietlyAsync(table, deviceId, row, etag, cancellationToken);
            }
        }
        return true;
    }

    public async Task<bool> RemoveIfIdleAsync(InboxHead head, CancellationToken cancellationToken)
    {
        await created.Value;
        if (head.ETag is not null)
        {
            var etag = head.ETag;
            while (true)
            {
                var rows = new List<string>();
                await foreach (var page in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {head.DeviceId}"), 100, ["RowKey"], cancellationToken).AsPages(pageSizeHint: 100))
                {
                    rows.AddRange(page.Values.Select(e => e.RowKey).Where(r => r != Head).Take(99));
                    break;
                }
                try
                {
                    if (rows.Count == 0)
                    {
                        await table.DeleteEntityAsync(head.DeviceId, Head, new ETag(etag), cancellationToken);
                        break;
                    }
                    // Each chunk moves the head (If-Match): a batch accepted meanwhile fails the chunk, and the inbox stays.
                    var response = await table.SubmitTransactionAsync(
                    [
                        .. rows.Select(row => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(head.DeviceId, row), ETag.All)),
                        new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(head.DeviceId, Head) { ["Accepted"] = head.AcceptedSequence }, new ETag(etag)),
                    ], cancellationToken);
                    etag = response.Value[^1].Headers.ETag?.ToString() ?? (await GetHeadAsync(head.DeviceId, cancellationToken)).ETag!;
                }
                catch (Exception ex) when (ex is RequestFailedException { Status: 404 or 412 } or TableTransactionFailedException { Status: 404 or 412 })
                {
                    return false;
                }
            }
        }
        await ClearWaitingAsync(head.DeviceId, head.ProcessedSequence, cancellationToken);
        return true;
    }

    private static async Task DeleteQuietlyAsync(TableClient client, string partition, string row, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteEntityAsync(partition, row, ifMatch, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
        }
    }

    private static string BatchKey(long sequence) => "b|" + sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static string IdKey(string batchId) => "id|" + batchId;

    private static string PartKey(long sequence, string kind, int index)
        => $"p|{sequence.ToString("D19", CultureInfo.InvariantCulture)}|{kind}|{index.ToString("D3", CultureInfo.InvariantCulture)}";

    /// <summary>The batch row as accepted, and the part rows its changes overflow into.</summary>
    private static (TableEntity Batch, List<TableEntity> Parts) BatchEntities(InboxBatch batch)
    {
        var entity = new TableEntity(batch.DeviceId, BatchKey(batch.Sequence))
        {
            ["BatchId"] = batch.BatchId,
            ["UserId"] = batch.UserId,
            ["AcceptedOn"] = batch.AcceptedOn,
            ["Status"] = nameof(BatchStatus.Accepted),
            ["Hash"] = batch.ContentHash ?? BatchContent.Hash(batch.Sequence, batch.Changes),
        };
        var chunks = Chunks(BatchContent.Serialize(batch.Changes));
        Put(entity, "C", chunks.Take(RowChunks).ToList());
        var parts = PartEntities(batch, "c", chunks.Skip(RowChunks).ToList());
        entity["ChangeRows"] = parts.Count;
        return (entity, parts);
    }

    private static List<TableEntity> PartEntities(InboxBatch batch, string kind, List<byte[]> chunks)
    {
        var parts = new List<TableEntity>();
        for (var i = 0; i * RowChunks < chunks.Count; i++)
        {
            var part = new TableEntity(batch.DeviceId, PartKey(batch.Sequence, kind, i));
            Put(part, "D", chunks.Skip(i * RowChunks).Take(RowChunks).ToList());
            parts.Add(part);
        }
        return parts;
    }

    private static List<byte[]> Chunks(byte[] bytes)
    {
        var chunks = new List<byte[]>();
        for (var i = 0; i < bytes.Length; i += ChunkBytes)
        {
            chunks.Add(bytes[i..Math.Min(bytes.Length, i + ChunkBytes)]);
        }
        return chunks;
    }

    /// <summary>Chunks as properties <c>prefix0..n</c> with their count in <c>prefixN</c>.</summary>
    private static void Put(TableEntity entity, string prefix, List<byte[]> chunks)
    {
        for (var i = 0; i < chunks.Count; i++)
        {
            entity[prefix + i.ToString(CultureInfo.InvariantCulture)] = chunks[i];
        }
        entity[prefix + "N"] = chunks.Count;
    }

    private static void Append(MemoryStream bytes, TableEntity entity, string prefix)
    {
        for (var i = 0; entity.TryGetValue(prefix + i.ToString(CultureInfo.InvariantCulture), out var value) && value is byte[] chunk; i++)
        {
            bytes.Write(chunk);
        }
    }

    /// <summary>Batches stored before the binary form kept their JSON as UTF-16 text chunks of the same names.</summary>
    private static string? LegacyText(TableEntity entity, string prefix)
    {
        if (!entity.TryGetValue(prefix + "0", out var first) || first is not string)
        {
            return null;
        }
        var builder = new StringBuilder();
        for (var part = 0; entity.TryGetValue(prefix + part.ToString(CultureInfo.InvariantCulture), out var value) && value is string text; part++)
        {
            builder.Append(text);
        }
        return builder.ToString();
    }

    private async Task<InboxBatch> ToBatchAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        var sequence = long.Parse(entity.RowKey[2..], CultureInfo.InvariantCulture);
        var parts = new List<TableEntity>();
        if ((entity.GetInt32("ChangeRows") ?? 0) + (entity.GetInt32("OutcomeRows") ?? 0) > 0)
        {
            var prefix = PartKey(sequence, "", 0)[..^4];
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {entity.PartitionKey} and RowKey gt {prefix} and RowKey lt {prefix + "~"}");
            await foreach (var part in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                parts.Add(part);
            }
            parts.Sort((a, b) => string.CompareOrdinal(a.RowKey, b.RowKey));
        }
        List<PushChange> changes;
        if (LegacyText(entity, "C") is { } legacyChanges)
        {
            changes = JsonSerializer.Deserialize<List<PushChange>>(legacyChanges, Json) ?? [];
        }
        else
        {
            using var bytes = new MemoryStream();
            Append(bytes, entity, "C");
            foreach (var part in parts.Where(p => p.RowKey.Contains("|c|", StringComparison.Ordinal)))
            {
                Append(bytes, part, "D");
            }
            changes = BatchContent.Deserialize(bytes.ToArray());
        }
        IReadOnlyList<ChangeOutcome> outcomes;
        if (LegacyText(entity, "O") is { } legacyOutcomes)
        {
            outcomes = legacyOutcomes.Length == 0 ? [] : JsonSerializer.Deserialize<List<ChangeOutcome>>(legacyOutcomes, Json) ?? [];
        }
        else
        {
            using var bytes = new MemoryStream();
            Append(bytes, entity, "O");
            foreach (var part in parts.Where(p => p.RowKey.Contains("|o|", StringComparison.Ordinal)))
            {
                Append(bytes, part, "D");
            }
            outcomes = bytes.Length == 0 ? [] : JsonSerializer.Deserialize<List<ChangeOutcome>>(bytes.ToArray(), BatchContent.Json) ?? [];
        }
        return new InboxBatch(entity.PartitionKey, entity.GetString("UserId"), entity.GetString("BatchId"), sequence,
            entity.GetDateTimeOffset("AcceptedOn") ?? DateTimeOffset.MinValue, changes,
            Enum.Parse<BatchStatus>(entity.GetString("Status") ?? nameof(BatchStatus.Accepted)), outcomes, entity.ETag.ToString())
        {
            ContentHash = entity.GetString("Hash"),
        };
    }
}
