using System.Buffers;
using System.Text;
using System.Text.Json;
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
/// <para/>
/// The device row is also the device record (<see cref="DeviceRegistration"/>): flat properties for the last pull, the
/// headers, the profile, the user's settings, a pending reset and the generation, and the per-table figures as one
/// compact JSON property (<c>Tables</c>: <c>{"table":{"u":unix,"d":unix,"r":rows,"m":bool}}</c>). Writes merge, so a
/// property written by an older version is kept; "none" is written as an empty string, a merge cannot remove it.
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
        var frequency = Text(entity, "Frequency");
        var interval = entity.GetInt32("IntervalMinutes") ?? 0;
        return new(entity.PartitionKey, entity.GetString("UserId"), registered, lastPull, entity.ETag.ToString())
        {
            LastSeenOn = entity.GetDateTimeOffset("LastSeenOn") ?? lastPull ?? registered,
            LastPull = Text(entity, "PullMode") is { } mode
                ? new DevicePull(entity.GetDateTimeOffset("PullOn") ?? lastPull ?? registered, mode, entity.GetBoolean("PullOk") ?? true,
                    entity.GetInt64("PullRecords") ?? 0, entity.GetBoolean("PullMore") ?? false, Text(entity, "PullError"))
                : null,
            AppVersion = Text(entity, "AppVersion"),
            Platform = Text(entity, "Platform"),
            ProfileId = Text(entity, "ProfileId"),
            ProfileRevision = Text(entity, "ProfileRevision"),
            UserSettings = frequency is null ? null : new UserSyncSettings(entity.GetBoolean("WifiOnly") ?? false, frequency, interval == 0 ? null : interval),
            PendingReset = Text(entity, "ResetReason") is { } reason
                ? new DeviceReset(reason, entity.GetDateTimeOffset("ResetOn") ?? registered, Text(entity, "ResetBy"))
                : null,
            Generation = entity.GetInt64("Generation") ?? 0,
            ErrorBaseline = entity.GetInt64("ErrorBaseline") ?? 0,
            Tables = ReadTables(entity.GetString("Tables")),
        };
    }


    public async Task<DeviceRegistration?> UpdateAsync(DeviceRegistration device, Func<DeviceRegistration, DeviceRegistration> change, CancellationToken cancellationToken)
    {
        await created.Value;
        var current = device;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var updated = change(current);
            try
            {
                var response = await table.UpdateEntityAsync(ToEntity(updated), new ETag(current.ETag), TableUpdateMode.Merge, cancellationToken);
                return updated with { ETag = response.Headers.ETag?.ToString() ?? current.ETag };
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Written meanwhile (a push, a reset, another pull): apply the change again to the row as it is now.
                if (await GetAsync(device.DeviceId, cancellationToken) is not { } fresh || fresh.UserId != device.UserId)
                {
                    return null;
                }
                current = fresh;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return null;
            }
        }
        return null;
    }

    public async Task<bool> RequestResetAsync(string deviceId, DeviceReset reset, CancellationToken cancellationToken)
    {
        await created.Value;
        try
        {
            // Merge with any ETag: only the reset's properties change, so whatever a pull or push writes meanwhile stays.
            await table.UpdateEntityAsync(new TableEntity(deviceId, Row)
            {
                ["ResetReason"] = reset.Reason,
                ["ResetOn"] = reset.RequestedOn,
                ["ResetBy"] = reset.RequestedBy ?? "",
            }, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    public async Task<bool> RecordIntegrityAsync(string deviceId, IReadOnlyDictionary<string, bool> matched, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await GetAsync(deviceId, cancellationToken) is not { } device)
        {
            return false;
        }
        var written = await UpdateAsync(device, d =>
        {
            var tables = new Dictionary<string, DeviceTableStatus>(d.Tables, StringComparer.Ordinal);
            foreach (var (name, ok) in matched)
            {
                tables[name] = (tables.TryGetValue(name, out var t) ? t : new DeviceTableStatus(null, null, null, null)) with { ChecksumMatched = ok };
            }
            return d with { Tables = tables, LastSeenOn = now };
        }, cancellationToken);
        return written is not null;
    }

    /// <summary>The record's properties for a merge (never the user or the registration time, which only a bind writes).</summary>
    private static TableEntity ToEntity(DeviceRegistration d)
    {
        var entity = new TableEntity(d.DeviceId, Row)
        {
            ["LastSeenOn"] = d.LastSeenOn,
            ["AppVersion"] = d.AppVersion ?? "",
            ["Platform"] = d.Platform ?? "",
            ["ProfileId"] = d.ProfileId ?? "",
            ["ProfileRevision"] = d.ProfileRevision ?? "",
            ["ResetReason"] = d.PendingReset?.Reason ?? "",
            ["ResetBy"] = d.PendingReset?.RequestedBy ?? "",
            ["Generation"] = d.Generation,
            ["ErrorBaseline"] = d.ErrorBaseline,
            ["Tables"] = WriteTables(d.Tables),
            ["Frequency"] = d.UserSettings?.SyncFrequency ?? "",
            ["WifiOnly"] = d.UserSettings?.WifiOnly ?? false,
            ["IntervalMinutes"] = d.UserSettings?.IntervalMinutes ?? 0,
        };
        if (d.PendingReset is { } reset)
        {
            entity["ResetOn"] = reset.RequestedOn;
        }
        if (d.LastPullOn is { } pulled)
        {
            entity["LastPullOn"] = pulled;
        }
        if (d.LastPull is { } pull)
        {
            entity["PullOn"] = pull.At;
            entity["PullMode"] = pull.SyncMode;
            entity["PullOk"] = pull.Succeeded;
            entity["PullRecords"] = pull.Records;
            entity["PullMore"] = pull.HasMore;
            entity["PullError"] = pull.ErrorCode ?? "";
        }
        return entity;
    }

    private static string WriteTables(IReadOnlyDictionary<string, DeviceTableStatus> tables)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (name, t) in tables.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(name);
                if (t.LastUpdated is { } updated)
                {
                    w.WriteNumber("u", updated.ToUnixTimeSeconds());
                }
                if (t.NextDue is { } due)
                {
                    w.WriteNumber("d", due.ToUnixTimeSeconds());
                }
                if (t.Rows is { } rows)
                {
                    w.WriteNumber("r", rows);
                }
                if (t.ChecksumMatched is { } matched)
                {
                    w.WriteBoolean("m", matched);
                }
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static Dictionary<string, DeviceTableStatus> ReadTables(string? json)
    {
        var tables = new Dictionary<string, DeviceTableStatus>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
        {
            return tables;
        }
        using var document = JsonDocument.Parse(json);
        foreach (var table in document.RootElement.EnumerateObject())
        {
            var t = table.Value;
            tables[table.Name] = new DeviceTableStatus(
                t.TryGetProperty("u", out var u) ? DateTimeOffset.FromUnixTimeSeconds(u.GetInt64()) : null,
                t.TryGetProperty("d", out var d) ? DateTimeOffset.FromUnixTimeSeconds(d.GetInt64()) : null,
                t.TryGetProperty("r", out var r) ? r.GetInt64() : null,
                t.TryGetProperty("m", out var m) ? m.GetBoolean() : null);
        }
        return tables;
    }

    /// <summary>The stale-device removal's cursor: a partition no device id can name (ids never contain <c>|</c>), and a row that is not <c>device</c>, so listings never see it.</summary>
    private const string CursorPartition = "cleanup|cursor";
    private const string CursorRow = "cursor";

    public async Task<DeviceCleanupCursor?> GetCleanupCursorAsync(CancellationToken cancellationToken)
    {
        await created.Value;
        var entity = await table.GetEntityIfExistsAsync<TableEntity>(CursorPartition, CursorRow, cancellationToken: cancellationToken);
        return entity.HasValue && entity.Value!.GetDateTimeOffset("StaleSince") is { } since
            ? new DeviceCleanupCursor(since, Text(entity.Value, "Continuation")) { ETag = entity.Value.ETag.ToString() }
            : null;
    }

    public async Task<bool> TrySetCleanupCursorAsync(DeviceCleanupCursor position, DeviceCleanupCursor? expected, CancellationToken cancellationToken)
    {
        await created.Value;
        var entity = new TableEntity(CursorPartition, CursorRow) { ["StaleSince"] = position.StaleSince, ["Continuation"] = position.Continuation ?? "" };
        try
        {
            if (expected?.ETag is null)
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }
            else
            {
                await table.UpdateEntityAsync(entity, new ETag(expected.ETag), TableUpdateMode.Replace, cancellationToken);
            }
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    private static string? Text(TableEntity entity, string name) => entity.GetString(name) is { Length: > 0 } text ? text : null;

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
