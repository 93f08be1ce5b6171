using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using FieldSync.Core.Push;

namespace FieldSync.Storage;

/// <summary>
/// Device inboxes on Azure Tables. Table <c>&lt;prefix&gt;inbox</c>, one partition per device: <c>head</c>
/// (accepted and processed sequences), <c>b|sequence</c> batches (changes, status, outcomes) and
/// <c>id|batchId</c> (batch id to sequence, for idempotent re-sends). Accepting writes the batch, its id and
/// the head in one transaction. Table <c>&lt;prefix&gt;pushpending</c> lists devices with work waiting, for
/// the sweeper that re-queues devices whose message was lost.
/// </summary>
public sealed class TableInbox(TableServiceClient service, StorageOptions options) : IInbox
{
    private const string Head = "head";
    private const string PendingPartition = "pending";
    private const int ChunkChars = 30_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly TableClient table = service.GetTableClient(options.TablePrefix + "inbox");
    private readonly TableClient pending = service.GetTableClient(options.TablePrefix + "pushpending");
    private readonly CreateOnce created = new(() => Task.WhenAll(
        service.GetTableClient(options.TablePrefix + "inbox").CreateIfNotExistsAsync(),
        service.GetTableClient(options.TablePrefix + "pushpending").CreateIfNotExistsAsync()));

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
        // Listed as waiting before the batch exists, so the sweeper can never miss a stored batch.
        await pending.UpsertEntityAsync(new TableEntity(PendingPartition, batch.DeviceId) { ["Since"] = batch.AcceptedOn, ["Sequence"] = batch.Sequence },
            TableUpdateMode.Replace, cancellationToken);
        // Merge, not replace: the head also carries the apply lease, which accepting must not disturb.
        var headEntity = new TableEntity(batch.DeviceId, Head) { ["Accepted"] = batch.Sequence, ["Processed"] = head.ProcessedSequence };
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, BatchEntity(batch, BatchStatus.Accepted, [])),
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
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
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
        return entity.HasValue ? ToBatch(entity.Value!) : null;
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
        var headEntity = new TableEntity(batch.DeviceId, Head) { ["Processed"] = batch.Sequence };
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.UpdateReplace, BatchEntity(batch, status, outcomes), ETag.All),
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
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return null;
        }
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
        };

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
            batches.Add(ToBatch(entity));
            if (batches.Count >= max)
            {
                break;
            }
        }
        return batches;
    }

    private static string BatchKey(long sequence) => "b|" + sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static string IdKey(string batchId) => "id|" + batchId;

    private static TableEntity BatchEntity(InboxBatch batch, BatchStatus status, IReadOnlyList<ChangeOutcome> outcomes)
    {
        var entity = new TableEntity(batch.DeviceId, BatchKey(batch.Sequence))
        {
            ["BatchId"] = batch.BatchId,
            ["UserId"] = batch.UserId,
            ["AcceptedOn"] = batch.AcceptedOn,
            ["Status"] = status.ToString(),
        };
        Chunk(entity, "C", JsonSerializer.Serialize(batch.Changes, Json));
        Chunk(entity, "O", JsonSerializer.Serialize(outcomes, Json));
        return entity;
    }

    private static void Chunk(TableEntity entity, string prefix, string text)
    {
        for (int i = 0, part = 0; i < text.Length; i += ChunkChars, part++)
        {
            entity[prefix + part.ToString(CultureInfo.InvariantCulture)] = text.Substring(i, Math.Min(ChunkChars, text.Length - i));
        }
    }

    private static string Unchunk(TableEntity entity, string prefix)
    {
        var builder = new StringBuilder();
        for (var part = 0; entity.TryGetValue(prefix + part.ToString(CultureInfo.InvariantCulture), out var value) && value is string text; part++)
        {
            builder.Append(text);
        }
        return builder.ToString();
    }

    private static InboxBatch ToBatch(TableEntity entity)
    {
        var changes = JsonSerializer.Deserialize<List<PushChange>>(Unchunk(entity, "C"), Json) ?? [];
        var outcomesText = Unchunk(entity, "O");
        var outcomes = outcomesText.Length == 0 ? [] : JsonSerializer.Deserialize<List<ChangeOutcome>>(outcomesText, Json) ?? [];
        var sequence = long.Parse(entity.RowKey[2..], CultureInfo.InvariantCulture);
        return new InboxBatch(entity.PartitionKey, entity.GetString("UserId"), entity.GetString("BatchId"), sequence,
            entity.GetDateTimeOffset("AcceptedOn") ?? DateTimeOffset.MinValue, changes,
            Enum.Parse<BatchStatus>(entity.GetString("Status") ?? nameof(BatchStatus.Accepted)), outcomes, entity.ETag.ToString());
    }
}
