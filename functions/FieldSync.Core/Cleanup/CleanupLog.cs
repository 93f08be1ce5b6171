using Microsoft.Extensions.Logging;

namespace FieldSync.Core.Cleanup;

/// <summary>What the cleanup timers log, for an operator asking what became of a device, a user's scope or the inbox.</summary>
internal static partial class CleanupLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Removed device {Device} of user {User}, not seen since {LastSeen}")]
    public static partial void DeviceRemoved(ILogger logger, string device, string user, DateTimeOffset lastSeen);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Information, Message = "Kept stale device {Device}: {Pending} pushed batches are not applied yet")]
    public static partial void DeviceKeptForUploads(ILogger logger, string device, long pending);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Kept stale device {Device}: it was seen while it was being removed")]
    public static partial void DeviceSeenMeanwhile(ILogger logger, string device);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Information, Message = "Device {Device} was removed but kept its inbox: a batch arrived meanwhile")]
    public static partial void InboxKept(ILogger logger, string device);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "User {User} has no device left: scope listed for retirement")]
    public static partial void ScopeListed(ILogger logger, string user);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Information, Message = "Scope {Scope} retired: only its head is left")]
    public static partial void ScopeRetired(ILogger logger, string scope);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Warning, Message = "The stale-device cursor could not be read back ({Reason}); a new pass starts")]
    public static partial void CursorRestarted(ILogger logger, string reason);

    [LoggerMessage(EventId = 1408, Level = LogLevel.Information, Message = "Stale devices: {Removed} removed, {Kept} kept, {Scopes} scopes retired, {Chunks} chunks deleted, more remains: {More}")]
    public static partial void DevicesRun(ILogger logger, int removed, int kept, int scopes, int chunks, bool more);

    [LoggerMessage(EventId = 1409, Level = LogLevel.Information, Message = "Processed batches accepted before {Before}: {Purged} purged, more remains: {More}")]
    public static partial void BatchesRun(ILogger logger, DateTimeOffset before, int purged, bool more);
}
