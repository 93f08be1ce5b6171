using System.IO.Hashing;
using System.Text;
using FieldSync.Core.FullDelta;

namespace FieldSync.Core.Tests.FullDelta;

/// <summary>The verify's row filter: never a false negative, false positives near the documented rate, and the wire format a device computes.</summary>
public class HeldRowsFilterTests
{
    private static List<(string Id, long Version)> Rows(int n, string prefix = "wo-") => [.. Enumerable.Range(0, n).Select(i => ($"{prefix}{i:D6}", (long)(i % 7) + 1))];

    [Fact]
    public void EveryRowAdded_IsReportedHeld_AfterAWireRoundTrip()
    {
        var rows = Rows(5000);
        var filter = HeldRowsFilter.TryParse(HeldRowsFilter.Of(rows).Encoded)!;

        Assert.All(rows, r => Assert.True(filter.MayContain(r.Id, r.Version), $"{r.Id}@{r.Version}"));
    }

    [Fact]
    public void RowsNotAdded_AtTheRecommendedSize_AreFalsePositivesAboutSixInTenThousand()
    {
        var filter = HeldRowsFilter.Of(Rows(10_000));

        // The same ids at another version (stale rows) and other ids (missing rows) are both "not held".
        var stale = Rows(10_000).Count(r => filter.MayContain(r.Id, r.Version + 100));
        var missing = Rows(10_000, "other-").Count(r => filter.MayContain(r.Id, r.Version));

        Assert.InRange(stale, 0, 15); // expected about 6 of 10,000 (0.06%)
        Assert.InRange(missing, 0, 15);
    }

    [Fact]
    public void Size_IsTwoBytesARow_BetweenOneByteAndTheMaximum()
    {
        Assert.Single(Convert.FromBase64String(HeldRowsFilter.ForRows(0).Encoded));
        Assert.Equal(2000, Convert.FromBase64String(HeldRowsFilter.ForRows(1000).Encoded).Length);
        Assert.Equal(HeldRowsFilter.MaxBytes, Convert.FromBase64String(HeldRowsFilter.ForRows(10_000_000).Encoded).Length);
    }

    [Fact]
    public void WireFormat_IsTheDocumentedDoubleHashOfTheRowChecksum()
    {
        // docs/sync-protocol.md: h = XxHash64("id\0version"), h1 = low 32 bits, h2 = high 32 bits | 1, probe i = (h1 + i*h2) mod 8m.
        var h = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes("wo-00017\u00004"));
        ulong h1 = h & 0xFFFF_FFFF, h2 = (h >> 32) | 1;
        var expected = new byte[20];
        for (var i = 0ul; i < 8; i++)
        {
            var bit = (h1 + (i * h2)) % (20 * 8);
            expected[bit / 8] |= (byte)(1 << (int)(bit % 8));
        }

        var filter = HeldRowsFilter.ForRows(10); // 10 rows × 16 bits = 20 bytes
        filter.Add("wo-00017", 4);

        Assert.Equal(Convert.ToBase64String(expected), filter.Encoded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAA")]
    public void TryParse_NotBase64OfOneToTheMaximumBytes_IsNull(string? encoded)
    {
        Assert.Null(HeldRowsFilter.TryParse(encoded));
    }

    [Fact]
    public void TryParse_LargerThanTheMaximum_IsNull_AndTheMaximumParses()
    {
        Assert.NotNull(HeldRowsFilter.TryParse(Convert.ToBase64String(new byte[HeldRowsFilter.MaxBytes])));
        Assert.Null(HeldRowsFilter.TryParse(Convert.ToBase64String(new byte[HeldRowsFilter.MaxBytes + 1])));
    }
}
