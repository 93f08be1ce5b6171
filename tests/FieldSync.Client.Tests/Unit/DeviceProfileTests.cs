namespace FieldSync.Client.Tests.Unit;

/// <summary>The profile a pull carries is checked before it is stored: the scheduler and online mode act on it.</summary>
public sealed class DeviceProfileTests
{
    private const string Tables = """ "tables": { "workorder": { "syncIntervalMinutes": 15, "effectiveSyncIntervalMinutes": 5 } } """;

    [Fact]
    public void Parse_PublishedProfile_ReadsSettingsAndIntervals()
    {
        var profile = DeviceProfile.Parse($$"""
            { "id": "p1", "name": "P", "settings": { "allowWifiOnlySync": true, "allowAdjustSyncFrequency": false, "allowOnlineMode": true,
              "onlineTables": ["account"] }, {{Tables}} }
            """);

        Assert.True(profile.AllowWifiOnlySync);
        Assert.False(profile.AllowAdjustSyncFrequency);
        Assert.True(profile.OpensOnline("account"));
        Assert.False(profile.OpensOnline("workorder"));
        Assert.Equal(TimeSpan.FromMinutes(5), profile.Tables["workorder"].EffectiveSyncInterval);
        Assert.Equal(TimeSpan.FromMinutes(15), profile.Tables["workorder"].SyncInterval);
    }

    [Fact]
    public void Parse_OnlineTablesWithoutOnlineMode_OpensNothing()
    {
        var profile = DeviceProfile.Parse("""{ "id": "p1", "settings": { "allowOnlineMode": false, "onlineTables": ["account"] } }""");

        Assert.False(profile.OpensOnline("account"));
        Assert.Empty(profile.OnlineTables);
    }

    [Fact]
    public void PulledPage_PublishedProfile_KeptForTheStore()
    {
        var page = Pages.Delta("cp-1", [("workorder", "wo-1", 1)], extra: ", \"profile\": { \"id\": \"p1\", " + Tables + " }");

        Assert.Equal("p1", DeviceProfile.Parse(page.ProfileJson!).Id);
    }

    [Theory]
    [InlineData("""{ "settings": {} }""")]
    [InlineData("""{ "id": "p1", "settings": { "allowWifiOnlySync": "yes" } }""")]
    [InlineData("""{ "id": "p1", "settings": { "onlineTables": "account" } }""")]
    [InlineData("""{ "id": "p1", "tables": { "workorder": { "syncIntervalMinutes": 2, "effectiveSyncIntervalMinutes": 2 } } }""")]
    [InlineData("""{ "id": "p1", "tables": { "workorder": { "syncIntervalMinutes": 5, "effectiveSyncIntervalMinutes": 15 } } }""")]
    [InlineData("""{ "id": "p1", "tables": { "workorder": { "syncIntervalMinutes": "5", "effectiveSyncIntervalMinutes": 5 } } }""")]
    public void PulledPage_HostileProfile_RefusedBeforeAnythingIsApplied(string profile)
    {
        Assert.Throws<FieldSyncProtocolException>(() => Pages.Delta("cp-1", [("workorder", "wo-1", 1)], extra: ", \"profile\": " + profile));
    }
}
