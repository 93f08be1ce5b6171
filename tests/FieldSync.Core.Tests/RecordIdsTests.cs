using FieldSync.Core.Records;

namespace FieldSync.Core.Tests;

public class RecordIdsTests
{
    [Theory]
    [InlineData("wo-00042")]
    [InlineData("3f2504e04f8911d39a0c0305e82c3301")]
    [InlineData("a")]
    [InlineData("booking.2026:11@tech1_x")]
    public void IsValid_SafeId_ReturnsTrue(string id)
    {
        Assert.True(RecordIds.IsValid(id, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    [InlineData("a\tb")]
    [InlineData("a b")]
    [InlineData("a'b")]
    [InlineData("a%2Fb")]
    [InlineData("-leading")]
    [InlineData("é")]
    public void IsValid_UnsafeId_ReturnsFalseWithReason(string id)
    {
        Assert.False(RecordIds.IsValid(id, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void IsValid_TooLong_ReturnsFalse()
    {
        Assert.True(RecordIds.IsValid(new string('a', RecordIds.MaxLength), out _));
        Assert.False(RecordIds.IsValid(new string('a', RecordIds.MaxLength + 1), out var error));
        Assert.Contains("128", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NewId_Always_IsValid()
    {
        Assert.True(RecordIds.IsValid(RecordIds.NewId(), out _));
        Assert.NotEqual(RecordIds.NewId(), RecordIds.NewId());
    }
}
