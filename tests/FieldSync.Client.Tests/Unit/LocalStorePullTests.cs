using FieldSync.Client.Storage;
using FieldSync.Core.Sync;

namespace FieldSync.Client.Tests.Unit;

public sealed class LocalStorePullTests
{
    [Fact]
    public async Task ApplyPull_ThrowsAfterSomeRows_ReopenedDatabaseHasThePreviousCheckpointAndRows()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.ApplyPullAsync(Pages.Delta("c1", [("workorder", "a", 1), ("workorder", "b", 1), ("workorder", "c", 1)], syncMode: "FIRST_SYNC"), sentCheckpoint: false, CancellationToken.None);
        var written = 0;
        temp.Store.BeforePulledRowWritten = (_, _) =>
        {
            if (++written == 2)
            {
                throw new SimulatedCrashException();
            }
        };

        await Assert.ThrowsAsync<SimulatedCrashException>(() => temp.Store.ApplyPullAsync(
            Pages.Delta("c2", [("workorder", "a", 2), ("workorder", "b", 2)], [("workorder", "c")]), sentCheckpoint: true, CancellationToken.None));

        var store = await temp.ReopenAsync();
        Assert.Equal("c1", await store.GetCheckpointAsync());
        Assert.Equal([("a", 1L), ("b", 1L), ("c", 1L)], (await store.ListAsync("workorder")).Select(r => (r.Id, r.Version!.Value)));
    }

    [Fact]
    public async Task ApplyPull_Remove_DeletesTheRowAndAReadIsRecordNotFound()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.ApplyPullAsync(Pages.Delta("c1", [("workorder", "a", 1), ("workorder", "b", 1)], syncMode: "FIRST_SYNC"), false, CancellationToken.None);

        await temp.Store.ApplyPullAsync(Pages.Delta("c2", [], [("workorder", "a")]), true, CancellationToken.None);

        var lookup = await temp.Store.GetAsync("workorder", "a");
        Assert.False(lookup.Found);
        Assert.True((await temp.Store.GetAsync("workorder", "b")).Found);
    }

    [Fact]
    public async Task ApplyPull_ResyncTable_DropsItsRowsBeforeTheNewOnes()
    {
        await using var temp = await TempStore.CreateAsync();
        await temp.Store.ApplyPullAsync(Pages.Delta("c1", [("workorder", "a", 1), ("account", "x", 1)], syncMode: "FIRST_SYNC"), false, CancellationToken.None);

        await temp.Store.ApplyPullAsync(Pages.Delta("c2", [("workorder", "b", 1)], extra: """, "resync": ["workorder"]"""), true, CancellationToken.None);

        Assert.Equal(["b"], (await temp.Store.ListAsync("workorder")).Select(r => r.Id));
        Assert.True((await temp.Store.GetAsync("account", "x")).Found);
    }

    [Fact]
    public async Task ApplyPull_ExactFigures_ComparesTheLocalChecksumAndExposesAMismatch()
    {
        await using var temp = await TempStore.CreateAsync();
        var right = BucketChecksum.Format(BucketChecksum.Of("a", 1) ^ BucketChecksum.Of("b", 3));
        var page = Pages.Delta("c1", [("workorder", "a", 1), ("workorder", "b", 3), ("account", "x", 1)], syncMode: "FIRST_SYNC",
            extra: $$""", "tables": { "workorder": { "count": 2, "checksum": "{{right}}" }, "account": { "count": 1, "checksum": "0000000000000000" } }""");

        var applied = await temp.Store.ApplyPullAsync(page, false, CancellationToken.None);

        var mismatch = Assert.Single(applied.Mismatches);
        Assert.Equal("account", mismatch.Table);
        Assert.Equal(TableChecksum.Compute([("x", 1)]), mismatch.LocalChecksum);
        var snapshot = await temp.Store.SnapshotAsync(CancellationToken.None);
        Assert.True(Assert.Single(snapshot.Tables, t => t.Table == "workorder").ChecksumMatched);
        Assert.False(Assert.Single(snapshot.Tables, t => t.Table == "account").ChecksumMatched);
    }

    [Fact]
    public void TableChecksum_SameRows_EqualsTheServersBucketChecksum()
    {
        var rows = new[] { ("wo-00012", 4L), ("booking-0117", 1L), ("ü-id", 9_007_199_254_740_992L) };
        var server = rows.Aggregate(0L, (x, r) => x ^ BucketChecksum.Of(r.Item1, r.Item2));

        Assert.Equal(BucketChecksum.Format(server), TableChecksum.Compute(rows));
        Assert.Equal(TableChecksum.Compute(rows), TableChecksum.Compute(rows.Reverse()));
    }

    [Theory]
    [InlineData("""{ "syncMode": "DELTA_SYNC", "hasMore": false }""", "checkpoint")]
    [InlineData("""{ "syncMode": "SOMETIMES", "checkpoint": "c" }""", "syncMode")]
    [InlineData("""{ "syncMode": "DELTA_SYNC", "checkpoint": "c", "changes": { "workorder": { "upserts": [ { "id": "a" } ] } } }""", "version")]
    [InlineData("""{ "syncMode": "DELTA_SYNC", "checkpoint": "c", "tables": { "workorder": { "count": 1, "checksum": "xyz" } } }""", "16 hex")]
    [InlineData("""{ "syncMode": "DELTA_SYNC", "checkpoint": "c", "reset": { "reason": "admin" } }""", "FIRST_SYNC")]
    public void PulledPage_AnswerOutsideTheProtocol_IsRefusedBeforeAnythingIsApplied(string json, string named)
    {
        var refused = Assert.Throws<FieldSyncProtocolException>(() => Pages.Parse(json));
        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }
}
