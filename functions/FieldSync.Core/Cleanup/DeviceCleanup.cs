using FieldSync.Core.Devices;
using FieldSync.Core.Push;
using FieldSync.Core.Records;
using FieldSync.Core.Sync;
using FieldSync.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FieldSync.Core.Cleanup;

/// <summary>
/// Removes devices nobody has seen for <see cref="DeviceCleanupOptions.StaleAfterDays"/>, one page of the device table
/// per run, resuming where the last run stopped (a cursor), then continues the retirement of scopes whose user has no
/// device left. A stale device is kept while its inbox holds batches not applied yet (nothing pushed is ever dropped);
/// its removal is conditional on the record's ETag, so a device that pulls or pushes meanwhile is kept. A removed device
/// that comes back is answered with a reset (<see cref="DeviceResetReasons.DeviceRemoved"/>) and a first sync.
/// </summary>
public sealed class DeviceCleanup(IDeviceRegistry devices, IInbox inbox, ScopeRetirement retirement, IOptionsMonitor<DeviceCleanupOptions> options,
    TimeProvider clock, ILogger<DeviceCleanup> logger)
{
    public async Task<CleanupReport> RemoveStaleAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var cursor = await devices.GetCleanupCursorAsync(cancellationToken);
        // A pass keeps the cut-off it started with, so its continuation stays valid; the next pass takes a new one.
        var staleSince = cursor is { Continuation: not null } ? cursor.StaleSince : clock.GetUtcNow() - TimeSpan.FromDays(settings.StaleAfterDays);
        DevicePage page;
        try
        {
            page = await devices.ListAsync(new DeviceQuery(null, staleSince, settings.PageSize, cursor?.Continuation), cancellationToken);
        }
        catch (InvalidContinuationException ex)
        {
            CleanupLog.CursorRestarted(logger, ex.Message);
            staleSince = clock.GetUtcNow() - TimeSpan.FromDays(settings.StaleAfterDays);
            page = await devices.ListAsync(new DeviceQuery(null, staleSince, settings.PageSize), cancellationToken);
        }
        int removed = 0, kept = 0;
        foreach (var device in page.Devices.Where(d => d.LastSeenOn < staleSince))
        {
            if (await RemoveAsync(device, cancellationToken))
            {
                removed++;
            }
            else
            {
                kept++;
            }
        }
        // Lost to another run: that run moved the cursor, and this page's work was idempotent.
        await devices.TrySetCleanupCursorAsync(new DeviceCleanupCursor(staleSince, page.Continuation), cursor, cancellationToken);
        var retired = await retirement.ContinueAsync(settings.RetirementChunksPerRun, settings.RetirementChunkSize, cancellationToken);
        var report = new CleanupReport(TelemetryNames.CleanupKinds.StaleDevices, page.Continuation is not null || retired.MoreRemains)
        {
            DevicesRemoved = removed,
            DevicesKept = kept,
            ScopesRetired = retired.ScopesRetired,
            ChunksDeleted = retired.ChunksDeleted,
        };
        CleanupLog.DevicesRun(logger, removed, kept, retired.ScopesRetired, retired.ChunksDeleted, report.MoreRemains);
        return report;
    }

    /// <summary>Removes one stale device: its record and user-index entry, its inbox once empty, and lists its user's scope if no device is left.</summary>
    private async Task<bool> RemoveAsync(DeviceRegistration device, CancellationToken cancellationToken)
    {
        var head = await inbox.GetHeadAsync(device.DeviceId, cancellationToken);
        if (head.AcceptedSequence > head.ProcessedSequence)
        {
            // Uploads not applied yet: keeping the device loses nothing; it goes on a later pass once they are applied.
            CleanupLog.DeviceKeptForUploads(logger, device.DeviceId, Math.Max(1, head.PendingBatches));
            return false;
        }
        if (!await devices.RemoveAsync(device, cancellationToken))
        {
            CleanupLog.DeviceSeenMeanwhile(logger, device.DeviceId);
            return false;
        }
        CleanupLog.DeviceRemoved(logger, device.DeviceId, device.UserId, device.LastSeenOn);
        if (!await inbox.RemoveIfIdleAsync(head, cancellationToken))
        {
            CleanupLog.InboxKept(logger, device.DeviceId);
        }
        if ((await devices.ListByUserAsync(device.UserId, cancellationToken)).Count == 0)
        {
            await retirement.EnlistAsync(device.UserId, cancellationToken);
            CleanupLog.ScopeListed(logger, device.UserId);
        }
        return true;
    }
}
