using System.Text.Json;
using FieldSync.Client.Storage;

namespace FieldSync.Client.Tests.Unit;

public sealed class OutboxTests
{
    private static async Task<TempStore> WithRowsAsync()
    {
        var temp = await TempStore.CreateAsync();
        await temp.Store.ApplyPullAsync(Pages.Delta("c1", [("workorder", "a", 3), ("workorder", "b", 5)], syncMode: "FIRST_SYNC"), false, CancellationToken.None);
        return temp;
    }

    private static async Task<List<JsonElement>> SentChangesAsync(LocalStore store)
    {
        var batch = await store.PrepareBatchAsync("device-1", 100, CancellationToken.None);
        return batch is null ? [] : [.. JsonDocument.Parse(batch.Body).RootElement.GetProperty("changes").EnumerateArray()];
    }

    [Fact]
    public async Task CreateThenUpdate_IsOneCreateWithTheUpdatedRow()
    {
        await using var temp = await WithRowsAsync();
        await temp.Store.CreateAsync("workorderproduct", "p1", new() { ["name"] = "Valve", ["quantity"] = 1 });
        var updated = await temp.Store.UpdateAsync("workorderproduct", "p1", new() { ["quantity"] = 2 });

        Assert.Equal(LocalWriteStatus.Coalesced, updated.Status);
        var change = Assert.Single(await SentChangesAsync(temp.Store));
        Assert.Equal("create", change.GetProperty("action").GetString());
        Assert.Equal(2, change.GetProperty("values").GetProperty("quantity").GetInt32());
        Assert.Equal("Valve", change.GetProperty("values").GetProperty("name").GetString());
        Assert.False(change.TryGetProperty("baseVersion", out _));
    }

    [Fact]
    public async Task CreateThenDelete_SendsNothing()
    {
        await using var temp = await WithRowsAsync();
        await temp.Store.CreateAsync("workorderproduct", "p1", new() { ["name"] = "Valve" });

        var deleted = await temp.Store.DeleteAsync("workorderproduct", "p1");

        Assert.Equal(LocalWriteStatus.Cancelled, deleted.Status);
        Assert.Empty(await SentChangesAsync(temp.Store));
        Assert.False((await temp.Store.GetAsync("workorderproduct", "p1")).Found);
    }

    [Fact]
    public async Task UpdateThenUpdate_IsOneUpdateWithTheFirstBaseVersionAndTheWholeLatestRow()
    {
        await using var temp = await WithRowsAsync();
        await temp.Store.UpdateAsync("workorder", "a", new() { ["instructions"] = "one" });
        await temp.Store.UpdateAsync("workorder", "b", new() { ["instructions"] = "other" });
        await temp.Store.UpdateAsync("workorder", "a", new() { ["priority"] = 2 });

        var changes = await SentChangesAsync(temp.Store);

        Assert.Equal(["a", "b"], changes.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(3, changes[0].GetProperty("baseVersion").GetInt64());
        var values = changes[0].GetProperty("values");
        Assert.Equal("one", values.GetProperty("instructions").GetString());
        Assert.Equal(2, values.GetProperty("priority").GetInt32());
        Assert.Equal("a v3", values.GetProperty("name").GetString());
        Assert.False(values.TryGetProperty("version", out _));
    }

    [Fact]
    public async Task UpdateThenDelete_IsOneDeleteWithTheFirstBaseVersion()
    {
        await using var temp = await WithRowsAsync();
        await temp.Store.UpdateAsync("workorder", "a", new() { ["instructions"] = "one" });

        await temp.Store.DeleteAsync("workorder", "a");

        var change = Assert.Single(await SentChangesAsync(temp.Store));
        Assert.Equal("delete", change.GetProperty("action").GetString());
        Assert.Equal(3, change.GetProperty("baseVersion").GetInt64());
        Assert.False(change.TryGetProperty("values", out _));
    }

    [Fact]
    public async Task WritesOfMissingOrExistingRecords_AreRefusedAndQueueNothing()
    {
        await using var temp = await WithRowsAsync();

        Assert.Equal(LocalWriteStatus.RecordNotFound, (await temp.Store.UpdateAsync("workorder", "nope", new() { ["name"] = "x" })).Status);
        Assert.Equal(LocalWriteStatus.AlreadyExists, (await temp.Store.CreateAsync("workorder", "a", new() { ["name"] = "x" })).Status);
        await temp.Store.DeleteAsync("workorder", "b");
        Assert.Equal(LocalWriteStatus.PendingDelete, (await temp.Store.CreateAsync("workorder", "b", new() { ["name"] = "x" })).Status);
        Assert.Equal(LocalWriteStatus.RecordNotFound, (await temp.Store.UpdateAsync("workorder", "b", new() { ["name"] = "x" })).Status);
        Assert.Single(await SentChangesAsync(temp.Store));
    }

    [Fact]
    public async Task PreparedBatch_AfterRestart_IsTheSameBatchIdAndBytes_AndALaterChangeWaitsForItsOutcome()
    {
        await using var temp = await WithRowsAsync();
        await temp.Store.UpdateAsync("workorder", "a", new() { ["instructions"] = "one" });
        var first = await temp.Store.PrepareBatchAsync("device-1", 100, CancellationToken.None);
        // The change after it is not merged into the frozen batch...
        Assert.Equal(LocalWriteStatus.Queued, (await temp.Store.UpdateAsync("workorder", "a", new() { ["instructions"] = "two" })).Status);

        var store = await temp.ReopenAsync();
        var again = await store.PrepareBatchAsync("device-1", 100, CancellationToken.None);
        Assert.Equal(first, again);
        await store.MarkBatchAcceptedAsync(again!, CancellationToken.None);
        // ...and is held back while the first is in flight: its base version is what the first produces.
        Assert.Null(await store.PrepareBatchAsync("device-1", 100, CancellationToken.None));

        var outcome = $$"""
            , "pushOutcomes": [ { "batchId": "{{first!.BatchId}}", "sequence": {{first.Sequence}}, "status": "completed",
              "outcomes": [ { "index": 0, "table": "workorder", "id": "a", "status": "applied", "version": 4 } ] } ]
            """;
        await store.ApplyPullAsync(Pages.Delta("c2", [], extra: outcome), true, CancellationToken.None);
        var next = await store.PrepareBatchAsync("device-1", 100, CancellationToken.None);

        Assert.Equal(first.Sequence + 1, next!.Sequence);
        var change = JsonDocument.Parse(next.Body).RootElement.GetProperty("changes")[0];
        Assert.Equal(4, change.GetProperty("baseVersion").GetInt64());
        Assert.Equal("two", change.GetProperty("values").GetProperty("instructions").GetString());
    }

    [Fact]
    public async Task RejectedOutcome_BecomesASyncErrorAndTheLocalChangeStopsShowing()
    {
        await using var temp = await WithRowsAsync();
        await temp.Store.UpdateAsync("workorder", "a", new() { ["instructions"] = "mine" });
        var batch = await temp.Store.PrepareBatchAsync("device-1", 100, CancellationToken.None);
        await temp.Store.MarkBatchAcceptedAsync(batch!, CancellationToken.None);
        var outcome = $$"""
            , "pushOutcomes": [ { "batchId": "{{batch!.BatchId}}", "sequence": {{batch.Sequence}}, "status": "completed",
              "outcomes": [ { "index": 0, "table": "workorder", "id": "a", "status": "rejected", "reason": "Conflict", "message": "changed on the server",
                              "syncErrorId": "se-1", "current": { "id": "a", "version": 4, "instructions": "theirs" } } ] } ]
            """;

        var applied = await temp.Store.ApplyPullAsync(Pages.Delta("c2", [], extra: outcome), true, CancellationToken.None);

        Assert.Equal(1, applied.NewSyncErrors);
        var error = Assert.Single(await temp.Store.GetSyncErrorsAsync());
        Assert.Equal(("Conflict", "se-1", "a"), (error.Reason, error.ServerErrorId, error.RecordId));
        var record = (await temp.Store.GetAsync("workorder", "a")).Record!;
        Assert.False(record.HasPendingChanges);
        Assert.False(record.Data.TryGetProperty("instructions", out _));
        Assert.True(await temp.Store.DismissSyncErrorAsync(error.Id));
        Assert.Empty(await temp.Store.GetSyncErrorsAsync());
    }
}
