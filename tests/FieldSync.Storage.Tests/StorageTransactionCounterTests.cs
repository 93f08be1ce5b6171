using Azure.Data.Tables;
using Azure.Storage.Queues;
using FieldSync.Testing;

namespace FieldSync.Storage.Tests;

[Collection(AzuriteGroup.Name)]
public class StorageTransactionCounterTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>A table of its own with <paramref name="rows"/> entities in partition "p" (row keys r00, r01, ...), counted by a fresh counter.</summary>
    private async Task<(TableClient Table, StorageTransactionCounter Counter)> NewTableAsync(int rows)
    {
        var counter = new StorageTransactionCounter();
        var options = new TableClientOptions();
        options.AddPolicy(counter.Policy, Azure.Core.HttpPipelinePosition.PerRetry);
        var table = new TableServiceClient(azurite.ConnectionString, options).GetTableClient(AzuriteFixture.UniqueName());
        await table.CreateIfNotExistsAsync(None);
        if (rows > 0)
        {
            await table.SubmitTransactionAsync(Enumerable.Range(0, rows).Select(i => new TableTransactionAction(TableTransactionActionType.Add,
                new TableEntity("p", $"r{i:00}") { ["Color"] = i % 2 == 0 ? "red" : "blue", ["Size"] = i })), None);
        }
        counter.Reset();
        return (table, counter);
    }

    private static async Task<int> CountAsync(TableClient table, string filter, int? pageSize = null)
    {
        var rows = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: None))
        {
            rows++;
        }
        return rows;
    }

    [Fact]
    public async Task Query_OnANonKeyProperty_CountsOneNonKeyQueryNamingTableAndProperty()
    {
        var (table, counter) = await NewTableAsync(6);

        var rows = await CountAsync(table, "PartitionKey eq 'p' and Color eq 'red'");

        Assert.Equal(3, rows);
        Assert.Equal(1, counter.Total);
        Assert.Equal(1, counter.NonKeyQueries);
        Assert.Equal(new Dictionary<string, long> { [$"{table.Name}(Color)"] = 1 }, counter.NonKeyFilters);
        Assert.Equal("PartitionKey eq 'p' and Color eq 'red'", counter.NonKeyFilterExamples[$"{table.Name}(Color)"]);
        Assert.Equal(3, counter.EntitiesRead);
    }

    [Fact]
    public async Task Query_PartitionAndRowKeyRange_CountsNoNonKeyQuery()
    {
        var (table, counter) = await NewTableAsync(6);

        var rows = await CountAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {"p"} and RowKey ge {"r02"} and RowKey lt {"r05"}"));

        Assert.Equal(3, rows);
        Assert.Equal(0, counter.NonKeyQueries);
        Assert.Empty(counter.NonKeyFilters);
        Assert.Equal(3, counter.EntitiesRead);
    }

    [Fact]
    public async Task Query_OverSeveralPages_EntitiesReadEqualTheRowsReturned()
    {
        var (table, counter) = await NewTableAsync(7);

        var rows = await CountAsync(table, "PartitionKey eq 'p'", pageSize: 3);

        Assert.Equal(7, rows);
        Assert.Equal(3, counter.Total); // pages of 3, 3 and 1
        Assert.Equal(7, counter.EntitiesRead);
        Assert.Equal(0, counter.NonKeyQueries);
    }

    [Fact]
    public async Task PointRead_Found_CountsOneEntity_NotFound_CountsNone()
    {
        var (table, counter) = await NewTableAsync(2);

        var found = await table.GetEntityIfExistsAsync<TableEntity>("p", "r01", cancellationToken: None);
        Assert.True(found.HasValue);
        Assert.Equal(1, counter.EntitiesRead);

        var missing = await table.GetEntityIfExistsAsync<TableEntity>("p", "nope", cancellationToken: None);
        Assert.False(missing.HasValue);
        Assert.Equal(1, counter.EntitiesRead);
        Assert.Equal(2, counter.Total);
        Assert.Equal(0, counter.NonKeyQueries);
    }

    [Fact]
    public async Task PointRead_WithSelect_CountsOneEntity()
    {
        var (table, counter) = await NewTableAsync(1);

        await table.GetEntityAsync<TableEntity>("p", "r00", ["Color"], None);

        Assert.Equal(1, counter.EntitiesRead);
        Assert.Equal(0, counter.NonKeyQueries);
    }

    [Fact]
    public async Task Query_MatchingNothing_CountsNoEntities()
    {
        var (table, counter) = await NewTableAsync(3);

        Assert.Equal(0, await CountAsync(table, "PartitionKey eq 'other'"));

        Assert.Equal(0, counter.EntitiesRead);
        Assert.Equal(1, counter.Total);
    }

    [Fact]
    public async Task Reset_ClearsEveryFigure()
    {
        var (table, counter) = await NewTableAsync(2);
        await CountAsync(table, "Size ge 0");
        Assert.NotEqual(0, counter.EntitiesRead);
        Assert.NotEqual(0, counter.NonKeyQueries);

        counter.Reset();

        Assert.Equal(0, counter.Total);
        Assert.Equal(0, counter.EntitiesRead);
        Assert.Equal(0, counter.NonKeyQueries);
        Assert.Empty(counter.NonKeyFilters);
        Assert.Empty(counter.NonKeyFilterExamples);
        Assert.Empty(counter.ByOperation);
    }

    [Fact]
    public async Task Writes_AndQueueReads_CountTransactionsOnly()
    {
        var (table, counter) = await NewTableAsync(0);
        var queueOptions = new QueueClientOptions();
        queueOptions.AddPolicy(counter.Policy, Azure.Core.HttpPipelinePosition.PerRetry);
        var queue = new QueueServiceClient(azurite.ConnectionString, queueOptions).GetQueueClient(AzuriteFixture.UniqueName("q"));
        await queue.CreateIfNotExistsAsync(cancellationToken: None);
        await queue.SendMessageAsync("hello", None);
        await table.UpsertEntityAsync(new TableEntity("p", "r"), cancellationToken: None);

        var peeked = await queue.PeekMessagesAsync(16, None);
        var received = await queue.ReceiveMessagesAsync(16, cancellationToken: None);

        Assert.Single(received.Value);
        Assert.Single(peeked.Value);
        Assert.Equal(5, counter.Total);
        Assert.Equal(0, counter.EntitiesRead);
        Assert.Equal(0, counter.NonKeyQueries);
    }

    [Theory]
    [InlineData("PartitionKey eq 'p' and RowKey ge 'a' and RowKey lt 'b'", "")]
    [InlineData("PartitionKey eq 'p' and _deleted eq false and userid eq 'tech01'", "_deleted,userid")]
    [InlineData("PartitionKey eq 'Name eq x' and RowKey lt 'it''s Color ne 1'", "")]
    [InlineData("(PartitionKey eq 'p') and (At lt datetime'2026-11-25T00:00:00.0000000Z')", "At")]
    [InlineData("PartitionKey eq 'p' and In eq true", "In")]
    [InlineData("'red' eq Color", "Color")]
    [InlineData("Size gt 5L or not (Weight le 1.5)", "Size,Weight")]
    public void FilterProperties_AreTheIdentifiersCompared_NeverTextInsideLiterals(string filter, string expected)
    {
        var properties = StorageTransactionCounter.FilterProperties(filter).Where(p => p is not ("PartitionKey" or "RowKey"));

        Assert.Equal(expected, string.Join(",", properties));
    }
}
