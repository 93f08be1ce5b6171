using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>The device side of sync: pull (and, in a later issue, push). Technician role. One file per operation.</summary>
public sealed partial class SyncFunctions(
    PullService pulls,
    IDeviceRegistry devices,
    IFeedStore feed,
    RecordService records,
    RequestGuard guard,
    ILogger<SyncFunctions> logger)
{
    private static readonly string[] DeviceRoles = [Roles.Technician];
}
