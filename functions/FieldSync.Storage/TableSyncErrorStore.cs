using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Azure;
using Azure.Data.Tables;
using FieldSync.Core.Records;
using FieldSync.Core.SyncErrors;

namespace FieldSync.Storage;

/// <summary>
/// Sync errors in table <c>&lt;prefix&gt;syncerrors</c>. PartitionKey = the UTC day of <see cref="SyncError.OccurredOn"/>
/// (<c>yyyyMMdd</c>), so retention deletes whole old partitions; RowKey = <c>&lt;inverted ticks, 19 digits&gt;|&lt;XxHash64 of
/// Key, 16 hex&gt;</c>, so a partition reads newest first and the same Key at the same instant is one row (upserts are
/// idempotent; the Key itself may hold characters keys cannot). The id admins see is
/// <c>yyyyMMdd.&lt;19 digits&gt;.&lt;16 hex&gt;</c>: the partition and row key, URL-safe, so a get is one point read.
/// </summary>
/// <remarks>
/// Listing walks day partitions from <c>To</c> back to <c>From</c>; the continuation names the day and the
/// storage continuation within it, and is bound to the query (filters and explicit bounds) and to the time window
/// the first page resolved, so a token cannot be replayed against another listing and later pages never see the
/// window move.
/// </remarks>
public sealed class TableSyncErrorStore(TableServiceClient service, StorageOptions options, TimeProvider clock) : ISyncErrorStore
{
    /// <summary>Default listing window when <see cref="SyncErrorQuery.From"/> is not given: this long before <c>To</c>.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    public const int MaxPageSize = 1000;

    /// <summary>Storage requests one listing call may make before it answers (possibly with fewer rows) and a continuation.</summary>
    private const int MaxRequestsPerPage = 40;

    /// <summary>Azure Tables caps a string property at 64 KiB of UTF-16; longer text is split over numbered properties.</summary>
    private const int ChunkChars = 32_000;

    /// <summary>Device and server data are each kept up to this many characters (an entity holds at most 1 MiB).</summary>
    public const int MaxDataChars = 200_000;

    private const string TruncatedSuffix = "…[truncated]";
    private const string DayFormat = "yyyyMMdd";
    private const string TokenPrefix = "syncerrors.v1";
    private static readonly long MaxTicks = DateTimeOffset.MaxValue.UtcTicks;
    private static readonly DateTimeOffset MinStorable = new(1601, 1, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly TableClient table = service.GetTableClient(options.TablePrefix + TableNames.SyncErrors);
    private readonly CreateOnce created = new(() => service.GetTableClient(options.TablePrefix + TableNames.SyncErrors).CreateIfNotExistsAsync());

    public async Task<SyncError> AddAsync(SyncError syncError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(syncError);
        ArgumentNullException.ThrowIfNull(syncError.Key);
        if (syncError.OccurredOn < MinStorable)
        {
            throw new ArgumentOutOfRangeException(nameof(syncError), syncError.OccurredOn, "OccurredOn must be after 1601-01-02 (the earliest date Azure Tables stores).");
        }
        await created.Value;
        var (partitionKey, rowKey) = KeysOf(syncError.Key, syncError.OccurredOn);
        var entity = new TableEntity(partitionKey, rowKey)
        {
            ["OccurredOn"] = syncError.OccurredOn.ToUniversalTime(),
            ["Type"] = syncError.Type.ToString(),
        };
        Put(entity, "Key", syncError.Key);
        Put(entity, "ErrorCode", syncError.ErrorCode);
        Put(entity, "Message", syncError.Message);
        Put(entity, "UserId", syncError.UserId);
        Put(entity, "DeviceId", syncError.DeviceId);
        Put(entity, "Table", syncError.Table);
        Put(entity, "RecordId", syncError.RecordId);
        Put(entity, "Action", syncError.Action);
        Put(entity, "DeviceData", Bounded(syncError.DeviceData));
        Put(entity, "ServerData", Bounded(syncError.ServerData));
        Put(entity, "BatchId", syncError.BatchId);
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        return syncError with { Id = IdOf(partitionKey, rowKey) };
    }

    public async Task<SyncError?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!TryParseId(id, out var partitionKey, out var rowKey))
        {
            return null;
        }
        await created.Value;
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? ToSyncError(response.Value!) : null;
    }

    public async Task<SyncErrorPage> ListAsync(SyncErrorQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, $"PageSize must be from 1 to {MaxPageSize}.");
        }
        var fingerprint = Fingerprint(query);
        DateTimeOffset from, to;
        DateOnly day;
        string? storageToken;
        if (query.Continuation is null)
        {
            to = (query.To ?? clock.GetUtcNow()).ToUniversalTime();
            from = (query.From ?? (to.UtcTicks > DefaultWindow.Ticks ? to - DefaultWindow : DateTimeOffset.MinValue)).ToUniversalTime();
            day = DateOnly.FromDateTime(to.UtcDateTime);
            storageToken = null;
        }
        else
        {
            (from, to, day, storageToken) = DecodeContinuation(query.Continuation, fingerprint);
        }
        var fromDay = DateOnly.FromDateTime(from.UtcDateTime);
        var errors = new List<SyncError>(Math.Min(query.PageSize, 100));
        if (from > to)
        {
            return new SyncErrorPage(errors, null);
        }

        await created.Value;
        // Row keys are inverted ticks: "at or before To" is RowKey >= inverted(To); "at or after From" is
        // RowKey < inverted(From) followed by '~' (which sorts after '|'). The same bounds hold in every partition.
        var filter = TableClient.CreateQueryFilter($"RowKey ge {Inverted(to)} and RowKey lt {Inverted(from) + "~"}");
        if (query.UserId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"UserId eq {query.UserId}");
        }
        if (query.DeviceId is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"DeviceId eq {query.DeviceId}");
        }
        if (query.Table is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Table eq {query.Table}");
        }

        // Filters can make the service answer empty pages with a continuation, and empty days cost a request
        // each: follow them, but a bounded number of times per call (the caller follows the continuation).
        for (var requests = 0; requests < MaxRequestsPerPage && errors.Count < query.PageSize && day >= fromDay; requests++)
        {
            var take = query.PageSize - errors.Count;
            var dayFilter = TableClient.CreateQueryFilter($"PartitionKey eq {DayKey(day)}") + " and " + filter;
            Page<TableEntity>? page = null;
            try
            {
                await foreach (var p in table.QueryAsync<TableEntity>(dayFilter, take, cancellationToken: cancellationToken).AsPages(storageToken, take))
                {
                    page = p;
                    break;
                }
            }
            catch (RequestFailedException ex) when (ex.Status == 400 && storageToken is not null)
            {
                throw new InvalidContinuationException("The continuation token is not one this listing returned.");
            }
            if (page is not null)
            {
                errors.AddRange(page.Values.Take(take).Select(ToSyncError));
            }
            storageToken = page?.ContinuationToken;
            if (storageToken is null)
            {
                day = day.AddDays(-1);
            }
        }
        var continuation = day >= fromDay ? EncodeContinuation(fingerprint, from, to, day, storageToken) : null;
        return new SyncErrorPage(errors, continuation);
    }

    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await created.Value;
        var beforeDay = DayKey(DateOnly.FromDateTime(before.UtcDateTime));
        // Whole days before before's day, then the part of before's day that is older than it
        // (older = larger inverted ticks).
        var olderDays = TableClient.CreateQueryFilter($"PartitionKey lt {beforeDay}");
        var olderOnTheDay = TableClient.CreateQueryFilter($"PartitionKey eq {beforeDay} and RowKey gt {Inverted(before) + "~"}");
        return await DeleteAsync(olderDays, cancellationToken) + await DeleteAsync(olderOnTheDay, cancellationToken);
    }

    private async Task<int> DeleteAsync(string filter, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var batch = new List<TableTransactionAction>(100);
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, 1000, ["PartitionKey", "RowKey"], cancellationToken))
        {
            // A transaction is one partition and at most 100 operations.
            if (batch.Count == 100 || (batch.Count > 0 && batch[0].Entity.PartitionKey != entity.PartitionKey))
            {
                deleted += await SubmitDeletesAsync(batch, cancellationToken);
                batch.Clear();
            }
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, entity, ETag.All));
        }
        if (batch.Count > 0)
        {
            deleted += await SubmitDeletesAsync(batch, cancellationToken);
        }
        return deleted;
    }

    private async Task<int> SubmitDeletesAsync(List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(batch, cancellationToken);
            return batch.Count;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            // Someone (another purge) deleted one of them meanwhile: the whole batch was rolled back, so delete one by one.
            var deleted = 0;
            foreach (var action in batch)
            {
                try
                {
                    await table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, ETag.All, cancellationToken);
                    deleted++;
                }
                catch (RequestFailedException gone) when (gone.Status == 404)
                {
                }
            }
            return deleted;
        }
    }

    /// <summary>The partition and row key of an error; the row key's hash makes the Key safe for storage.</summary>
    private static (string PartitionKey, string RowKey) KeysOf(string key, DateTimeOffset occurredOn)
    {
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key)).ToString("x16", CultureInfo.InvariantCulture);
        return (DayKey(DateOnly.FromDateTime(occurredOn.UtcDateTime)), Inverted(occurredOn) + "|" + hash);
    }

    private static string DayKey(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    private static string Inverted(DateTimeOffset instant) => (MaxTicks - instant.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    private static string IdOf(string partitionKey, string rowKey) => partitionKey + "." + rowKey.Replace('|', '.');

    /// <summary>Parses <c>yyyyMMdd.&lt;19 digits&gt;.&lt;16 hex&gt;</c>, and checks the day is the one the ticks fall on.</summary>
    private static bool TryParseId(string? id, out string partitionKey, out string rowKey)
    {
        partitionKey = rowKey = string.Empty;
        if (id is not { Length: 8 + 1 + 19 + 1 + 16 } || id[8] != '.' || id[28] != '.')
        {
            return false;
        }
        var dayText = id[..8];
        var ticksText = id[9..28];
        var hashText = id[29..];
        if (!DateOnly.TryParseExact(dayText, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            || !ticksText.All(char.IsAsciiDigit)
            || !long.TryParse(ticksText, NumberStyles.None, CultureInfo.InvariantCulture, out var inverted)
            || !hashText.All(char.IsAsciiHexDigitLower)
            || inverted > MaxTicks
            || DateOnly.FromDateTime(new DateTime(MaxTicks - inverted, DateTimeKind.Utc)) != day)
        {
            return false;
        }
        partitionKey = dayText;
        rowKey = ticksText + "|" + hashText;
        return true;
    }

    private static SyncError ToSyncError(TableEntity entity)
    {
        // The row key holds the exact instant (ticks); the OccurredOn property is there for people reading the table.
        var inverted = long.Parse(entity.RowKey.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture);
        return new SyncError(
            Get(entity, "Key") ?? string.Empty,
            new DateTimeOffset(MaxTicks - inverted, TimeSpan.Zero),
            Enum.TryParse<SyncErrorType>(entity.GetString("Type"), out var type) ? type : SyncErrorType.Other,
            Get(entity, "ErrorCode") ?? string.Empty,
            Get(entity, "Message") ?? string.Empty,
            Get(entity, "UserId") ?? string.Empty,
            Get(entity, "DeviceId") ?? string.Empty,
            Get(entity, "Table"),
            Get(entity, "RecordId"),
            Get(entity, "Action"),
            Get(entity, "DeviceData"),
            Get(entity, "ServerData"),
            Get(entity, "BatchId"))
        {
            Id = IdOf(entity.PartitionKey, entity.RowKey),
        };
    }

    private static string? Bounded(string? data)
        => data is null || data.Length <= MaxDataChars ? data : string.Concat(data.AsSpan(0, MaxDataChars - TruncatedSuffix.Length), TruncatedSuffix);

    /// <summary>Writes a string property, split into <c>Name</c>, <c>Name_1</c>, <c>Name_2</c>... when it is long; null writes nothing.</summary>
    private static void Put(TableEntity entity, string name, string? value)
    {
        if (value is null)
        {
            return;
        }
        entity[name] = value.Length <= ChunkChars ? value : value[..ChunkChars];
        for (int start = ChunkChars, part = 1; start < value.Length; start += ChunkChars, part++)
        {
            entity[name + "_" + part.ToString(CultureInfo.InvariantCulture)] = value.Substring(start, Math.Min(ChunkChars, value.Length - start));
        }
    }

    private static string? Get(TableEntity entity, string name)
    {
        var first = entity.GetString(name);
        if (first is null || first.Length < ChunkChars)
        {
            return first;
        }
        var text = new StringBuilder(first);
        for (var part = 1; entity.GetString(name + "_" + part.ToString(CultureInfo.InvariantCulture)) is { } more; part++)
        {
            text.Append(more);
        }
        return text.ToString();
    }

    /// <summary>What a continuation is bound to: the filters and the bounds the caller gave (not the defaults).</summary>
    private static string Fingerprint(SyncErrorQuery query)
    {
        var text = string.Join('\u0000', query.UserId ?? "\u0001", query.DeviceId ?? "\u0001", query.Table ?? "\u0001",
            query.From?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "\u0001",
            query.To?.UtcTicks.ToString(CultureInfo.InvariantCulture) ?? "\u0001");
        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text)).ToString("x16", CultureInfo.InvariantCulture);
    }

    private static string EncodeContinuation(string fingerprint, DateTimeOffset from, DateTimeOffset to, DateOnly day, string? storageToken)
    {
        var text = string.Join('\n', TokenPrefix, fingerprint,
            from.UtcTicks.ToString(CultureInfo.InvariantCulture), to.UtcTicks.ToString(CultureInfo.InvariantCulture),
            DayKey(day), storageToken ?? string.Empty);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static (DateTimeOffset From, DateTimeOffset To, DateOnly Day, string? StorageToken) DecodeContinuation(string continuation, string fingerprint)
    {
        try
        {
            var base64 = continuation.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split('\n', 6);
            if (parts.Length == 6 && parts[0] == TokenPrefix && parts[1] == fingerprint
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var fromTicks) && fromTicks <= MaxTicks
                && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var toTicks) && toTicks <= MaxTicks
                && fromTicks <= toTicks
                && DateOnly.TryParseExact(parts[4], DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                var from = new DateTimeOffset(fromTicks, TimeSpan.Zero);
                var to = new DateTimeOffset(toTicks, TimeSpan.Zero);
                if (day >= DateOnly.FromDateTime(from.UtcDateTime) && day <= DateOnly.FromDateTime(to.UtcDateTime))
                {
                    return (from, to, day, parts[5].Length == 0 ? null : parts[5]);
                }
            }
        }
        catch (FormatException)
        {
        }
        throw new InvalidContinuationException("The continuation token is not one this listing returned (for these filters).");
    }
}
