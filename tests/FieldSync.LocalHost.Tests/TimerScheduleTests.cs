using FieldSync.LocalHost.Hosting;

namespace FieldSync.LocalHost.Tests;

public sealed class TimerScheduleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 14, 12, 2, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("0 */5 * * * *", "2026-03-14T12:05:00Z")]
    [InlineData("*/1 * * * * *", "2026-03-14T12:02:31Z")]
    [InlineData("30 2 12 * * *", "2026-03-15T12:02:30Z")] // exactly now is not "after now"
    [InlineData("0 0 9 * * 1-5", "2026-03-16T09:00:00Z")] // Saturday noon -> Monday 09:00
    [InlineData("0 0 0 1 1 *", "2027-01-01T00:00:00Z")]
    public void GetNextOccurrence_Cron_ReturnsFirstOccurrenceAfter(string schedule, string expected)
    {
        var next = TimerSchedule.Parse(schedule).GetNextOccurrence(Noon);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), next);
    }

    [Fact]
    public void GetNextOccurrence_OffsetInput_IsComputedInUtc()
    {
        var localNoon = new DateTimeOffset(2026, 3, 14, 13, 2, 30, TimeSpan.FromHours(1));

        var next = TimerSchedule.Parse("0 0 13 * * *").GetNextOccurrence(localNoon);

        Assert.Equal(new DateTimeOffset(2026, 3, 14, 13, 0, 0, TimeSpan.Zero), next);
    }

    [Fact]
    public void GetNextOccurrence_TimeSpanSchedule_AddsInterval()
    {
        var schedule = TimerSchedule.Parse("00:05:00");

        Assert.Equal(Noon.AddMinutes(5), schedule.GetNextOccurrence(Noon));
    }

    [Fact]
    public void GetNextOccurrence_CronThatNeverFires_ReturnsNull()
    {
        Assert.Null(TimerSchedule.Parse("0 0 0 30 2 *").GetNextOccurrence(Noon));
    }

    [Theory]
    [InlineData("*/5 * * * *")] // 5 fields: the Functions format has seconds
    [InlineData("not a schedule")]
    [InlineData("soon")]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    public void Parse_InvalidSchedule_ThrowsFormatException(string schedule)
    {
        Assert.Throws<FormatException>(() => TimerSchedule.Parse(schedule));
    }
}
