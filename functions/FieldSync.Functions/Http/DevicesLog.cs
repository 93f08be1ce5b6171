using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>What the device endpoints log: admin actions on devices, which an operator looks for by device.</summary>
internal static partial class DevicesLog
{
    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Admin {Admin} asked for a reset of device {Device}")]
    public static partial void ResetRequested(ILogger logger, string admin, string device);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Admin {Admin} unbound device {Device}")]
    public static partial void Removed(ILogger logger, string admin, string device);
}
