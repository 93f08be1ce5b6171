using FieldSync.Core.Records;

namespace FieldSync.Core.Tests;

public class ChangeHistoryTests
{
    [Fact]
    public void TryFind_AppendedChange_GivesTheVersionItProduced()
    {
        var history = ChangeHistory.Append(ChangeHistory.Append(null, "dev-1|1|0", 2), "dev-1|2|0", 5);

        Assert.True(ChangeHistory.TryFind(history, "dev-1|1|0", out var first));
        Assert.Equal(2, first);
        Assert.True(ChangeHistory.TryFind(history, "dev-1|2|0", out var second));
        Assert.Equal(5, second);
        Assert.False(ChangeHistory.TryFind(history, "dev-1|1|1", out _));
        Assert.False(ChangeHistory.TryFind(null, "dev-1|1|0", out _));
    }

    [Fact]
    public void Append_MoreThanMaxEntries_KeepsTheNewest()
    {
        string? history = null;
        for (var i = 1; i <= ChangeHistory.MaxEntries + 4; i++)
        {
            history = ChangeHistory.Append(history, $"dev-1|{i}|0", i + 1);
        }

        Assert.Equal(ChangeHistory.MaxEntries, history!.Split(' ').Length);
        Assert.True(ChangeHistory.TryFind(history, $"dev-1|{ChangeHistory.MaxEntries + 4}|0", out _));
        Assert.False(ChangeHistory.TryFind(history, "dev-1|4|0", out _));
    }

    [Fact]
    public void TryFind_SimilarChangeIdPrefix_DoesNotMatch()
    {
        var history = ChangeHistory.Append(null, "dev-1|12|0", 3);

        Assert.False(ChangeHistory.TryFind(history, "dev-1|1", out _));
        Assert.False(ChangeHistory.TryFind(history, "dev-1|12|", out _));
    }
}
