using System.Globalization;
using System.Text.Json;
using FieldSync.Core.Devices;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>
/// Devices: the technician's Offline Status / Device Status (<c>GET /api/sync/status</c>) and the admin fleet view
/// (list, one device, reset, unbind). One file per operation.
/// </summary>
public sealed partial class DevicesFunctions(IDeviceRegistry devices, DeviceStatusService status, RequestGuard guard, TimeProvider clock, ILogger<DevicesFunctions> logger)
{
    private static readonly string[] AdminRoles = [Roles.Admin];
    private static readonly string[] DeviceRoles = [Roles.Technician];
    private static readonly string[] ListParameters = ["userId", "staleSince", "pageSize", "continuation"];

    public const int DefaultPageSize = 100;

    /// <summary>The fleet, a page at a time: every device, or one user's, optionally only those not seen since staleSince.</summary>
    [Function(nameof(ListDevices))]
    public async Task<IActionResult> ListDevices([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/devices")] HttpRequest req)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, AdminRoles);
        if (caller is null)
        {
            return denied!;
        }
        var (query, invalid) = ReadListQuery(req.Query);
        if (query is null)
        {
            return invalid!;
        }
        DevicePage page;
        try
        {
            page = await devices.ListAsync(query, req.HttpContext.RequestAborted);
        }
        catch (InvalidContinuationException ex)
        {
            return Invalid("continuation", "Invalid continuation", ex.Message + " Repeat the listing's other parameters unchanged with its continuation.");
        }
        var response = new DeviceListResponse(page.Devices.Select(DeviceSummary.From).ToList(), page.Continuation);
        return new JsonWriterResult(StatusCodes.Status200OK, w => JsonSerializer.Serialize(w, response, DevicesJsonContext.Default.DeviceListResponse));
    }

    /// <summary>One device's status, as its technician sees it on the device.</summary>
    [Function(nameof(GetDevice))]
    public Task<IActionResult> GetDevice([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/devices/{deviceId}")] HttpRequest req, string deviceId)
        => ForAdminAsync(req, deviceId, async (_, cancellationToken) =>
            await status.GetAsync(deviceId, cancellationToken) is { } found ? Status(found) : NotFound(deviceId));

    /// <summary>
    /// The admin device operations' shared start: an admin caller and a device id safe for storage keys, then
    /// <paramref name="run"/>.
    /// </summary>
    private async Task<IActionResult> ForAdminAsync(HttpRequest req, string deviceId, Func<Caller, CancellationToken, Task<IActionResult>> run)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, AdminRoles);
        if (caller is null)
        {
            return denied!;
        }
        if (!RecordIds.IsValid(deviceId, out var error))
        {
            return Invalid("deviceId", "Invalid deviceId", error!);
        }
        return await run(caller, req.HttpContext.RequestAborted);
    }

    private static (DeviceQuery? Query, IActionResult? Failure) ReadListQuery(IQueryCollection query)
    {
        foreach (var key in query.Keys)
        {
            if (!ListParameters.Contains(key, StringComparer.Ordinal))
            {
                return (null, Invalid(key, "Unknown query parameter", $"'{key}' is not a parameter of this listing; use {string.Join(", ", ListParameters)}."));
            }
            if (query[key].Count != 1)
            {
                return (null, Invalid(key, $"Repeated {key}", $"Give {key} once."));
            }
        }
        string? Text(string name) => query.TryGetValue(name, out var value) ? value.ToString() : null;
        var userId = Text("userId");
        if (userId is not null && !RecordIds.IsValid(userId, out var idError))
        {
            return (null, Invalid("userId", "Invalid userId", idError!));
        }
        DateTimeOffset? staleSince = null;
        if (Text("staleSince") is { } text)
        {
            if (text.Length < 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || !RecordValues.TryParseDateTime(text, out var instant) || instant < RecordValues.MinDateTime)
            {
                return (null, Invalid("staleSince", "Invalid staleSince",
                    "staleSince must be an ISO 8601 date and time with an offset, not before 1601, e.g. 2026-11-25T08:00:00Z (a '+' must be sent as %2B in a URL)."));
            }
            staleSince = instant;
        }
        var pageSize = DefaultPageSize;
        if (Text("pageSize") is { } ps && (!int.TryParse(ps, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > DeviceQuery.MaxPageSize))
        {
            return (null, Invalid("pageSize", "Invalid pageSize", $"pageSize must be a whole number from 1 to {DeviceQuery.MaxPageSize}."));
        }
        var continuation = Text("continuation");
        if (continuation is { Length: 0 })
        {
            return (null, Invalid("continuation", "Invalid continuation", "continuation must be the value a previous page returned."));
        }
        return (new DeviceQuery(userId, staleSince, pageSize, continuation), null);
    }

    private static JsonWriterResult Status(DeviceStatus found)
        => new(StatusCodes.Status200OK, w => JsonSerializer.Serialize(w, found, DevicesJsonContext.Default.DeviceStatus));

    private static JsonWriterResult NotFound(string deviceId)
        => ApiResults.Problem(StatusCodes.Status404NotFound, "device-not-found", "Device not found",
            $"No device '{deviceId}' is registered (it never synced, or it was unbound or removed after a long absence).");

    private static JsonWriterResult Invalid(string field, string title, string detail)
        => ApiResults.BadRequest("validation", title, detail, [new FieldError(field, detail)]);
}
