namespace FieldSync.Client.Tests.Unit;

/// <summary>A pull's table status is checked against the server's own clock: the scheduler waits for it.</summary>
public sealed class PulledPageTests
{
    private const string ServerTime = "2026-12-03T08:00:00Z";

    [Theory]
    [InlineData("2026-12-03T07:55:00Z", "2026-12-04T08:05:01Z")]
    [InlineData("2026-12-03T08:05:01Z", "2026-12-03T08:10:01Z")]
    public void From_TableStatusBeyondTheServersClock_Refused(string lastUpdated, string nextDueAt)
    {
        Assert.Throws<FieldSyncProtocolException>(() => Page(lastUpdated, nextDueAt));
    }

    [Fact]
    public void From_TableDueWithinADayOfTheServersClockGivenItsInstancesSkew_Kept()
    {
        // Another instance of the server, a few seconds ahead, synced the table.
        var page = Page("2026-12-03T08:00:03Z", "2026-12-04T08:00:03Z");

        Assert.Equal(DateTimeOffset.Parse("2026-12-04T08:00:03Z", System.Globalization.CultureInfo.InvariantCulture), Assert.Single(page.Tables).NextDueAt);
        Assert.Equal(DateTimeOffset.Parse(ServerTime, System.Globalization.CultureInfo.InvariantCulture), page.ServerTime);
    }

    private static Storage.PulledPage Page(string lastUpdated, string nextDueAt) => Pages.Parse($$"""
        { "syncMode": "DELTA_SYNC", "serverTime": "{{ServerTime}}", "checkpoint": "cp-1", "hasMore": false, "pending": 0,
          "tables": { "product": { "lastUpdated": "{{lastUpdated}}", "nextDueAt": "{{nextDueAt}}", "synced": true } } }
        """);
}
