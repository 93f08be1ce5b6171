using FieldSync.Core.Profiles;
using static FieldSync.Core.Tests.Profiles.ProfileTestData;

namespace FieldSync.Core.Tests.Profiles;

/// <summary><c>settings.onlineTables</c>: the tables a profile opens to online mode.</summary>
public class OnlineTablesSettingTests
{
    private static OfflineProfile Parse(string settings) => ProfileParser.Parse(Profile(Bookings, settings), Catalog);

    [Fact]
    public void Parse_OnlineTablesWithOnlineMode_KeepsThemInOrderAndAllowsOnlyThose()
    {
        var profile = Parse("""{ "allowOnlineMode": true, "onlineTables": ["workorder", "contact", "account"] }""");
        Assert.Equal("workorder, contact, account", Listed(profile.Settings.OnlineTables));
        Assert.True(profile.Settings.AllowsOnlineRead("contact")); // not carried offline, still readable online
        Assert.False(profile.Settings.AllowsOnlineRead("product"));
    }

    [Fact]
    public void Parse_NoOnlineTables_OpensNothingEvenWithOnlineMode()
    {
        var profile = Parse("""{ "allowOnlineMode": true }""");
        Assert.Empty(profile.Settings.OnlineTables);
        Assert.False(profile.Settings.AllowsOnlineRead("bookableresourcebooking"));
    }

    [Fact]
    public void ToJson_OnlineTables_RoundTripAndAreLeftOutWhenEmpty()
    {
        var profile = Parse("""{ "allowOnlineMode": true, "onlineTables": ["account"] }""");
        var again = ProfileParser.Parse(profile.ToJson(), Catalog);
        Assert.Equal("account", Listed(again.Settings.OnlineTables));
        Assert.DoesNotContain("onlineTables", Parse("""{ "allowOnlineMode": true }""").ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultProfile_OnlineMode_StaysOff()
    {
        var profile = DefaultProfiles.FieldServiceMobile(Catalog);
        Assert.False(profile.Settings.AllowOnlineMode);
        Assert.Empty(profile.Settings.OnlineTables);
    }

    [Theory]
    [InlineData("""{ "allowOnlineMode": true, "onlineTables": ["workorders"] }""", "settings.onlineTables[0]", "'workorders' is not a table of the schema")]
    [InlineData("""{ "allowOnlineMode": true, "onlineTables": ["account", "account"] }""", "settings.onlineTables[1]", "'account' is listed more than once")]
    [InlineData("""{ "allowOnlineMode": false, "onlineTables": ["account"] }""", "settings.onlineTables", "'onlineTables' opens tables to online mode, which needs 'allowOnlineMode': true")]
    [InlineData("""{ "onlineTables": ["account"] }""", "settings.onlineTables", "'onlineTables' opens tables to online mode, which needs 'allowOnlineMode': true")]
    [InlineData("""{ "allowOnlineMode": true, "onlineTables": "account" }""", "settings.onlineTables", "'onlineTables' must be an array of table names")]
    [InlineData("""{ "allowOnlineMode": true, "onlineTables": [1] }""", "settings.onlineTables[0]", "each online table must be a table name")]
    [InlineData("""{ "allowOnlineMode": true, "onlineTables": [null] }""", "settings.onlineTables[0]", "each online table must be a table name")]
    public void Parse_BadOnlineTables_IsAnError(string settings, string path, string messageStart)
    {
        var errors = Errors(Profile(Bookings, settings));
        Assert.True(errors.Any(e => e.Path == path && e.Message.StartsWith(messageStart, StringComparison.Ordinal)),
            $"expected {path}: {messageStart}...; got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
    }
}
