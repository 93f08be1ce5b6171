using System.Text.Json;
using FieldSync.Core.Records;
using FieldSync.Testing;

namespace FieldSync.Storage.Tests;

/// <summary>The system of record on real Azure Tables (Azurite): versions, conditional writes, tombstones, paging.</summary>
[Collection(AzuriteGroup.Name)]
public class RecordServiceTests(AzuriteFixture azurite)
{
    private const string User = "dispatcher1";
    private static readonly CancellationToken None = CancellationToken.None;

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static async Task<RecordService> WithAccountAsync(AzuriteFixture azurite, string id = "account-1")
    {
        var service = Stores.NewService(azurite);
        var created = await service.CreateAsync("account", Json($$"""{ "id": "{{id}}", "name": "Contoso" }"""), User, None);
        Assert.Equal(RecordOutcome.Created, created.Outcome);
        return service;
    }

    [Fact]
    public async Task CreateAsync_EveryColumnType_RoundTripsThroughStorage()
    {
        var service = Stores.NewService(azurite);
        await service.CreateAsync("account", Json("""{ "id": "acc", "name": "Contoso" }"""), User, None);
        var body = Json("""
            { "id": "wo-1", "name": "WO-1", "serviceaccount": "acc", "priority": 3, "totalamount": 1234.5678,
              "starttime": "2026-11-25T08:00:00+02:00", "latitude": 47.6, "instructions": "Ring twice" }
            """);
        var created = await service.CreateAsync("workorder", body, User, None);
        Assert.Equal(RecordOutcome.Created, created.Outcome);

        var read = await service.GetAsync("workorder", "wo-1", None);
        Assert.Equal(RecordOutcome.Ok, read.Outcome);
        var record = read.Record!;
        Assert.Equal(1, record.Version);
        Assert.Equal(User, record.ModifiedBy);
        Assert.Equal(3, record.Values["priority"]);
        Assert.Equal(1234.5678m, record.Values["totalamount"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 6, 0, 0, TimeSpan.Zero), record.Values["starttime"]);
        Assert.Equal(47.6, record.Values["latitude"]);
        Assert.Equal("acc", record.Values["serviceaccount"]);
        Assert.Equal(created.Record!.Values.OrderBy(v => v.Key), record.Values.OrderBy(v => v.Key));
    }

    [Fact]
    public async Task CreateAsync_NoId_AssignsOne()
    {
        var service = Stores.NewService(azurite);
        var created = await service.CreateAsync("account", Json("""{ "name": "Fabrikam" }"""), User, None);
        Assert.Equal(RecordOutcome.Created, created.Outcome);
        Assert.True(RecordIds.IsValid(created.Record!.Id, out _));
        Assert.Equal(RecordOutcome.Ok, (await service.GetAsync("account", created.Record.Id, None)).Outcome);
    }

    [Fact]
    public async Task CreateAsync_ExistingId_ReportsAlreadyExistsAndKeepsOriginal()
    {
        var service = await WithAccountAsync(azurite);
        var again = await service.CreateAsync("account", Json("""{ "id": "account-1", "name": "Other" }"""), User, None);
        Assert.Equal(RecordOutcome.AlreadyExists, again.Outcome);
        Assert.Equal("Contoso", (await service.GetAsync("account", "account-1", None)).Record!.Values["name"]);
    }

    [Fact]
    public async Task CreateAsync_InvalidBody_WritesNothing()
    {
        var service = Stores.NewService(azurite);
        var result = await service.CreateAsync("account", Json("""{ "id": "bad-1", "name": "X", "nope": 1 }"""), User, None);
        Assert.Equal(RecordOutcome.Invalid, result.Outcome);
        Assert.Equal(RecordOutcome.NotFound, (await service.GetAsync("account", "bad-1", None)).Outcome);
        var missingRequired = await service.CreateAsync("account", Json("""{ "id": "bad-2" }"""), User, None);
        Assert.Equal(RecordOutcome.Invalid, missingRequired.Outcome);
        Assert.Equal("name", Assert.Single(missingRequired.Errors!).Field);
    }

    [Fact]
    public async Task UpdateAsync_MatchingVersion_MergesAndIncrementsVersion()
    {
        var service = await WithAccountAsync(azurite);
        var updated = await service.UpdateAsync("account", "account-1", new VersionCondition(1), Json("""{ "telephone1": "555-0100" }"""), "dispatcher2", None);
        Assert.Equal(RecordOutcome.Ok, updated.Outcome);
        var record = (await service.GetAsync("account", "account-1", None)).Record!;
        Assert.Equal(2, record.Version);
        Assert.Equal("Contoso", record.Values["name"]);
        Assert.Equal("555-0100", record.Values["telephone1"]);
        Assert.Equal("dispatcher2", record.ModifiedBy);
    }

    [Fact]
    public async Task UpdateAsync_StaleVersion_ReportsPreconditionFailedWithCurrent()
    {
        var service = await WithAccountAsync(azurite);
        await service.UpdateAsync("account", "account-1", new VersionCondition(1), Json("""{ "name": "Contoso Ltd" }"""), User, None);
        var stale = await service.UpdateAsync("account", "account-1", new VersionCondition(1), Json("""{ "name": "Lost update" }"""), User, None);
        Assert.Equal(RecordOutcome.PreconditionFailed, stale.Outcome);
        Assert.Equal(2, stale.Record!.Version);
        Assert.Equal("Contoso Ltd", (await service.GetAsync("account", "account-1", None)).Record!.Values["name"]);
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentFromSameVersion_ExactlyOneWins()
    {
        var service = await WithAccountAsync(azurite);
        var attempts = Enumerable.Range(0, 8).Select(i =>
            service.UpdateAsync("account", "account-1", new VersionCondition(1), Json($$"""{ "name": "writer {{i}}" }"""), $"writer{i}", None));
        var results = await Task.WhenAll(attempts);
        var winner = Assert.Single(results, r => r.Outcome == RecordOutcome.Ok);
        Assert.All(results.Where(r => r != winner), r => Assert.Equal(RecordOutcome.PreconditionFailed, r.Outcome));
        var final = (await service.GetAsync("account", "account-1", None)).Record!;
        Assert.Equal(2, final.Version);
        Assert.Equal(winner.Record!.Values["name"], final.Values["name"]);
    }

    [Fact]
    public async Task UpdateAsync_AnyVersionConcurrently_AllApplyWithDistinctVersions()
    {
        var service = await WithAccountAsync(azurite);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            service.UpdateAsync("account", "account-1", VersionCondition.Any, Json($$"""{ "telephone1": "{{i}}" }"""), User, None)));
        Assert.All(results, r => Assert.Equal(RecordOutcome.Ok, r.Outcome));
        Assert.Equal([2L, 3L, 4L, 5L], results.Select(r => r.Record!.Version).Order());
    }

    [Fact]
    public async Task UpdateAsync_ClearingRequiredColumn_IsInvalid()
    {
        var service = await WithAccountAsync(azurite);
        var result = await service.UpdateAsync("account", "account-1", VersionCondition.Any, Json("""{ "name": null }"""), User, None);
        Assert.Equal(RecordOutcome.Invalid, result.Outcome);
        Assert.Equal(1, (await service.GetAsync("account", "account-1", None)).Record!.Version);
    }

    [Fact]
    public async Task DeleteAsync_MatchingVersion_LeavesTombstoneAndRecreateContinuesVersions()
    {
        var service = await WithAccountAsync(azurite);
        var deleted = await service.DeleteAsync("account", "account-1", new VersionCondition(1), User, None);
        Assert.Equal(RecordOutcome.Deleted, deleted.Outcome);
        Assert.Equal(2, deleted.Record!.Version);

        var read = await service.GetAsync("account", "account-1", None);
        Assert.Equal(RecordOutcome.NotFound, read.Outcome);
        Assert.Contains("deleted", read.Detail, StringComparison.Ordinal);

        var recreated = await service.CreateAsync("account", Json("""{ "id": "account-1", "name": "Contoso again" }"""), User, None);
        Assert.Equal(RecordOutcome.Created, recreated.Outcome);
        Assert.Equal(3, recreated.Record!.Version);
    }

    [Fact]
    public async Task DeleteAsync_StaleVersion_KeepsRecord()
    {
        var service = await WithAccountAsync(azurite);
        await service.UpdateAsync("account", "account-1", VersionCondition.Any, Json("""{ "telephone1": "1" }"""), User, None);
        var result = await service.DeleteAsync("account", "account-1", new VersionCondition(1), User, None);
        Assert.Equal(RecordOutcome.PreconditionFailed, result.Outcome);
        Assert.Equal(RecordOutcome.Ok, (await service.GetAsync("account", "account-1", None)).Outcome);
    }

    [Fact]
    public async Task UpdateAsync_DeletedRecord_IsNotFound()
    {
        var service = await WithAccountAsync(azurite);
        await service.DeleteAsync("account", "account-1", VersionCondition.Any, User, None);
        var result = await service.UpdateAsync("account", "account-1", VersionCondition.Any, Json("""{ "telephone1": "1" }"""), User, None);
        Assert.Equal(RecordOutcome.NotFound, result.Outcome);
    }

    [Fact]
    public async Task ListAsync_Paging_ReturnsEveryLiveRecordOnce()
    {
        var service = Stores.NewService(azurite);
        for (var i = 0; i < 25; i++)
        {
            await service.CreateAsync("product", Json($$"""{ "id": "p-{{i:D3}}", "name": "Product {{i}}" }"""), User, None);
        }
        await service.DeleteAsync("product", "p-007", VersionCondition.Any, User, None);
        await service.CreateAsync("account", Json("""{ "id": "not-a-product", "name": "A" }"""), User, None);

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var (result, page) = await service.ListAsync("product", 10, continuation, includeDeleted: false, None);
            Assert.Equal(RecordOutcome.Ok, result.Outcome);
            seen.AddRange(page!.Records.Select(r => r.Id));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null && pages < 10);

        Assert.Null(continuation);
        Assert.Equal(24, seen.Count);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.DoesNotContain("p-007", seen);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);

        var (_, withDeleted) = await service.ListAsync("product", 100, null, includeDeleted: true, None);
        Assert.Contains(withDeleted!.Records, r => r.Id == "p-007" && r.Deleted);
    }

    [Theory]
    [InlineData("garbage!!")]
    [InlineData("YWNjb3VudApzb21ldGhpbmc")] // a token for the "account" table, used on "product"
    public async Task ListAsync_ForeignContinuation_IsInvalid(string token)
    {
        var service = Stores.NewService(azurite);
        var (result, page) = await service.ListAsync("product", 10, token, false, None);
        Assert.Null(page);
        Assert.Equal(RecordOutcome.Invalid, result.Outcome);
        Assert.Equal("continuation", Assert.Single(result.Errors!).Field);
    }

    [Fact]
    public async Task Operations_UnknownTable_ReportUnknownTable()
    {
        var service = Stores.NewService(azurite);
        Assert.Equal(RecordOutcome.UnknownTable, (await service.GetAsync("spaceship", "x", None)).Outcome);
        Assert.Equal(RecordOutcome.UnknownTable, (await service.CreateAsync("spaceship", Json("{}"), User, None)).Outcome);
        Assert.Equal(RecordOutcome.UnknownTable, (await service.ListAsync("spaceship", 10, null, false, None)).Result.Outcome);
    }
}
