using System.Text;
using Azure;
using Azure.Data.Tables;
using FieldSync.Core.Devices;
using FieldSync.Core.Records;

namespace FieldSync.Storage;

/// <summary>
/// Device bindings: table <c>&lt;prefix&gt;devices</c>. A device's row is partition <c>&lt;device id&gt;</c>, row
/// <c>device</c>; each user's index is partition <c>user|&lt;user id&gt;</c> with one row per device id (device ids
/// cannot contain <c>|</c>, so the two never meet). The index row is written before the device row and deleted after
/// it, so it may name a device too many (cleaned when read), never one too few.
/// </summary>
public sealed class TableDeviceRegistry(TableServiceClient service, StorageOptions options) : IDeviceRegistry
{
    private const string Row = "device";
    private readonly TableClient table = service.GetTableClient(options.TablePrefix + TableNames.Devices);
    private readonly CreateOnce created = new(() => service.GetTableClient(options.TablePrefix + TableNames.Devices).CreateIfNotExistsAsync());

    private static string UserPartition(string userId) => "user|" + userId;

    public async Task<DeviceRegistration?> GetAsync(string deviceId, CancellationToken cancellationToken)
    {
        await created.Value;
        var response = await table.GetEntityIfExistsAsync<TableEntity>(deviceId, Row, cancellationToken: cancellationToken);
        return response.HasValue ? ToRegistration(response.Value!) : null;
    }

    public async Task<DeviceRegistration> BindAsync(string deviceId, string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await created.Value;
        await table.UpsertEntityAsync(new TableEntity(UserPartition(userId), deviceId), TableUpdateMode.Replace, cancellationToken);
        try
        {
            await table.AddEntityAsync(new TableEntity(deviceId, Row) { ["UserId"] = userId, ["RegisteredOn"] = now, ["LastSeenOn"] = now }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Bound concurrently, perhaps by another user: whoever was first keeps the device. A stray index entry of
            // ours is removed the next time the index is read.
        }
        return (await GetAsync(deviceId, cancellationToken))!;
    }

    public async Task TouchAsync(DeviceRegistration device, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await created.Value;
        try
        {
            await table.UpdateEntityAsync(new TableEntity(device.DeviceId, Row) { ["LastPullOn"] = now, ["LastSeenOn"] = now }, new ETag(device.ETag), TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
        }
    }

    public async Task<IReadOnlyList<DeviceRegistration>> ListByUserAsync(string userId, CancellationToken cancellationToken)
    {
        await created.Value;
        var ids = new List<string>();
        await foreach (var entry in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {UserPartition(userId)}"), select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(entry.RowKey);
        }
        var found = await Task.WhenAll(ids.Select(id => GetAsync(id, cancellationToken)));
        var devices = new List<DeviceRegistration>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (found[i] is { } device && device.UserId == userId)
            {
                devices.Add(device);
            }
            else
            {
                await DeleteIfExistsAsync(UserPartition(userId), ids[i], ETag.All, cancellationToken);
            }
        }
        return devices;
    }

    public async Task<DevicePage> ListAsync(DeviceQuery query, CancellationToken cancellationToken)
    {
        await created.Value;
        var pageSize = Math.Clamp(query.PageSize, 1, DeviceQuery.MaxPageSize);
        var fingerprint = $"{query.UserId}|{query.StaleSince?.UtcTicks}";
        var token = query.Continuation is null ? null : DecodeContinuation(query.Continuation, fingerprint);
        if (query.UserId is not null)
        {
            // One user has a handful of devices: the whole index in one page.
            var mine = await ListByUserAsync(query.UserId, cancellationToken);
            return new DevicePage(mine.Where(d => query.StaleSince is null || d.LastSeenOn < query.StaleSince).ToList(), null);
        }
        // Device rows only (index partitions have other row keys). Property names are ours; values are quoted by CreateQueryFilter.
        var filter = TableClient.CreateQueryFilter($"RowKey eq {Row}");
        if (query.StaleSince is { } before)
        {
            filter += " and " + TableClient.CreateQueryFilter($"LastSeenOn lt {before}");
        }
        var devices = new List<DeviceRegistration>(pageSize);
        // A filtered scan may return empty pages with a continuation; follow a few, never unboundedly in one request.
        for (var hop = 0; hop < 5 && devices.Count == 0; hop++)
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken).AsPages(token, pageSize))
            {
                devices.AddRange(page.Values.Select(ToRegistration));
                token = page.ContinuationToken;
                break;
            }
            if (token is null)
            {
                break;
            }
        }
        return new DevicePage(devices, token is null ? null : EncodeContinuation(token, fingerprint));
    }

    public async Task<bool> RemoveAsync(DeviceRegistration device, CancellationToken cancellationToken)
    {
        await created.Value;
        if (!await DeleteIfExistsAsync(device.DeviceId, Row, new ETag(device.ETag), cancellationToken))
        {
            return false;
        }
        await DeleteIfExistsAsync(UserPartition(device.UserId), device.DeviceId, ETag.All, cancellationToken);
        return true;
    }

    private async Task<bool> DeleteIfExistsAsync(string partition, string row, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.DeleteEntityAsync(partition, row, ifMatch, cancellationToken);
            return response.Status != 404;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    private static DeviceRegistration ToRegistration(TableEntity entity)
    {
        var registered = entity.GetDateTimeOffset("RegisteredOn") ?? DateTimeOffset.MinValue;
        var lastPull = entity.GetDateTimeOffset("LastPullOn");
        return new(entity.PartitionKey, entity.GetString("UserId"), registered, lastPull, entity.ETag.ToString())
        {
            LastSeenOn = entity.GetDateTimeOffset("LastSeenOn") ?? lastPull ?? registered,
        };
    }

    private static string EncodeContinuation(string token, string fingerprint)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(fingerprint + "\n" + token)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeContinuation(string continuation, string fingerprint)
    {
        try
        {
            var base64 = continuation.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64));
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline >= 0 && text[..newline] == fingerprint && newline < text.Length - 1)
            {
                return text[(newline + 1)..];
            }
        }
        catch (FormatException)
        {
        }
        throw new InvalidContinuationException("The continuation token is not one this listing returned (for these filters).");
    }
}
