using FieldSync.Core.Devices;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>The device side of sync: pull, push and their receipts. Technician role. One file per operation.</summary>
public sealed partial class SyncFunctions(
    PullService pulls,
    FieldSync.Core.Push.PushService pushes,
    FieldSync.Core.Push.IInbox inbox,
    IDeviceRegistry devices,
    IFeedStore feed,
    RecordService records,
    RequestGuard guard,
    FieldSync.Core.Telemetry.ISyncTelemetry telemetry,
    Microsoft.Extensions.Options.IOptionsMonitor<SyncOptions> conflictDetection,
    ILogger<SyncFunctions> logger)
{
    private static readonly string[] DeviceRoles = [Roles.Technician];
}
