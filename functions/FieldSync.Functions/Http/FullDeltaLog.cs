using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>What full delta sync logs: per answer, how much the device had to repair, which an operator looks for by device.</summary>
internal static partial class FullDeltaLog
{
    [LoggerMessage(EventId = 1301, Level = LogLevel.Information,
        Message = "Verify by {User} on {Device}: {Matched} tables matched, {Repaired} listed with {Rows} rows ({Sent} sent whole), more {HasMore}")]
    public static partial void Verified(ILogger logger, string user, string device, int matched, int repaired, int rows, int sent, bool hasMore);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Information, Message = "Fetch of {Table} by {User} on {Device}: {Rows} rows, {Gone} gone")]
    public static partial void Fetched(ILogger logger, string table, string user, string device, int rows, int gone);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "{Operation} by {User} refused: {Failure}")]
    public static partial void Refused(ILogger logger, string operation, string user, FieldSync.Core.FullDelta.FullDeltaFailure failure);
}
