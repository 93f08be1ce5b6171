using System.Globalization;
using Cronos;

namespace FieldSync.LocalHost.Hosting;

/// <summary>
/// A timer trigger schedule: a 6-field NCRONTAB expression with seconds ("0 */5 * * * *"), or a
/// constant interval written as a TimeSpan ("00:05:00"), the two forms the Functions host accepts.
/// Occurrences are in UTC. Pure: the caller supplies "now".
/// </summary>
public sealed class TimerSchedule
{
    private readonly CronExpression? _cron;
    private readonly TimeSpan _interval;

    private TimerSchedule(string expression, CronExpression? cron, TimeSpan interval)
    {
        Expression = expression;
        _cron = cron;
        _interval = interval;
    }

    /// <summary>The schedule as written.</summary>
    public string Expression { get; }

    /// <summary>Parses a schedule. A value with spaces is CRON; otherwise it must be a positive TimeSpan.</summary>
    /// <exception cref="FormatException">Neither a valid 6-field CRON expression nor a positive TimeSpan.</exception>
    public static TimerSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var trimmed = expression.Trim();
        if (trimmed.Contains(' ', StringComparison.Ordinal))
        {
            try
            {
                return new TimerSchedule(trimmed, CronExpression.Parse(trimmed, CronFormat.IncludeSeconds), TimeSpan.Zero);
            }
            catch (CronFormatException ex)
            {
                throw new FormatException($"'{expression}' is not a 6-field NCRONTAB expression (second minute hour day month day-of-week): {ex.Message}", ex);
            }
        }
        if (TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new TimerSchedule(trimmed, null, interval);
        }
        throw new FormatException($"'{expression}' is neither a 6-field NCRONTAB expression nor a positive TimeSpan such as 00:05:00.");
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if the CRON never fires again.</summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
        => _cron is null
            ? after + _interval
            : _cron.GetNextOccurrence(after.UtcDateTime, TimeZoneInfo.Utc, inclusive: false) is { } next ? new DateTimeOffset(next, TimeSpan.Zero) : null;

    /// <inheritdoc/>
    public override string ToString() => Expression;
}
