namespace FieldSync.Client.Tests.Unit;

/// <summary>Online answers are hostile until checked: a row that is not the one asked for, or not a row, is refused, never shown.</summary>
public sealed class OnlineAnswerTests
{
    [Theory]
    [InlineData("""{ "id": "wo-other", "version": 3 }""")]
    [InlineData("""{ "id": "wo-1" }""")]
    [InlineData("""{ "id": "wo-1", "version": "3" }""")]
    [InlineData("""[ { "id": "wo-1", "version": 3 } ]""")]
    public async Task GetOnlineAsync_AnswerIsNotTheRecordAsked_ProtocolError(string answer)
    {
        await using var rig = await SchedulerRig.CreateAsync(s => s.OnlineTables = ["workorder"]);
        await rig.Client.SyncAsync();
        rig.Server.OnlineAnswer = answer;

        await Assert.ThrowsAsync<FieldSyncProtocolException>(() => rig.Client.GetOnlineAsync("workorder", "wo-1"));
    }

    [Theory]
    [InlineData("""{ "continuation": "x" }""")]
    [InlineData("""{ "value": [ { "id": "", "version": 1 } ] }""")]
    [InlineData("""{ "value": [ 7 ] }""")]
    public async Task QueryOnlineAsync_AnswerIsNotAPageOfRows_ProtocolError(string answer)
    {
        await using var rig = await SchedulerRig.CreateAsync(s => s.OnlineTables = ["workorder"]);
        await rig.Client.SyncAsync();
        rig.Server.OnlineAnswer = answer;

        await Assert.ThrowsAsync<FieldSyncProtocolException>(() => rig.Client.QueryOnlineAsync("workorder"));
    }

    [Fact]
    public async Task QueryOnlineAsync_Page_RowsAndContinuation()
    {
        await using var rig = await SchedulerRig.CreateAsync(s => s.OnlineTables = ["workorder"]);
        await rig.Client.SyncAsync();
        rig.Server.OnlineAnswer = """{ "value": [ { "id": "wo-1", "version": 3, "name": "live" } ], "continuation": "next" }""";

        var page = await rig.Client.QueryOnlineAsync("workorder", new Online.OnlineQuery { Filter = "name eq 'live'", Top = 10 });

        Assert.False(page.FromOffline);
        Assert.Equal("next", page.Continuation);
        Assert.Equal(3, Assert.Single(page.Records).Version);
        Assert.Equal("live", page.Records[0].Data.GetProperty("name").GetString());
    }
}
