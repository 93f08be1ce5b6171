using FieldSync.Core.Records;
using FieldSync.Core.Security;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>
/// The records API: the dispatcher and back-office side of the system of record. One file per operation.
/// Every operation needs the dispatcher or admin role.
/// </summary>
public sealed partial class RecordsFunctions(RecordService records, RequestGuard guard, ILogger<RecordsFunctions> logger)
{
    private static readonly string[] WriterRoles = [Roles.Dispatcher, Roles.Admin];
}
