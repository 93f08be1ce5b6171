using System.Globalization;
using FieldSync.Core.SyncErrors;
using FieldSync.Core.Telemetry;
using FieldSync.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Timers;

public sealed class SyncErrorTimerFunctions(ISyncErrorStore errors, IConfiguration configuration, TimeProvider clock, ILogger<SyncErrorTimerFunctions> logger, ISyncTelemetry? telemetry = null)
{
    public const string RetentionDaysSetting = "FieldSync:SyncErrors:RetentionDays";
    public const int DefaultRetentionDays = 30;
    public const int MaxRetentionDays = 3650;

    /// <summary>Deletes sync errors older than the retention period (<c>FieldSync:SyncErrors:RetentionDays</c>, default 30), once a day.</summary>
    [Function(nameof(PurgeSyncErrors))]
    public Task PurgeSyncErrors([TimerTrigger("0 40 3 * * *")] TimerInfo timer, CancellationToken cancellationToken)
        => FunctionRuns.TimerAsync(telemetry ?? NullSyncTelemetry.Instance, nameof(PurgeSyncErrors), async () =>
        {
            var before = clock.GetUtcNow() - TimeSpan.FromDays(RetentionDays());
            var purged = await errors.PurgeAsync(before, cancellationToken);
            logger.LogInformation("Sync error purge deleted {Count} errors older than {Before}", purged, before);
            return purged;
        });

    /// <summary>The configured retention in days; a value that is not a whole number from 1 to 3650 is logged and replaced by 30.</summary>
    public int RetentionDays()
    {
        var text = configuration[RetentionDaysSetting];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultRetentionDays;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= MaxRetentionDays)
        {
            return days;
        }
        logger.LogWarning("{Setting} is '{Value}', not a whole number of days from 1 to {Max}; keeping sync errors {Default} days",
            RetentionDaysSetting, text, MaxRetentionDays, DefaultRetentionDays);
        return DefaultRetentionDays;
    }
}
