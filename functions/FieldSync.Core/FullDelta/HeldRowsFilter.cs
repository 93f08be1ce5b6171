using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>
/// A Bloom filter over the rows a device holds of one table, sent with a verify so the answer can carry the documents
/// the device lacks (missing, or held at another version) in the same pass that lists the bucket: the repair then needs
/// no fetch for them. The filter never says a held row is absent (no false negatives), so a row the device holds is
/// never sent again; it may say an absent row is held (a false positive, about 0.06% at the recommended size): such a
/// row is listed without its document, and the device fetches it. So the filter only saves work; the list stays exact.
/// <para/>
/// The wire format, which a device computes the same way (docs/sync-protocol.md "Full delta sync"): <c>m</c> bytes,
/// bit <c>b</c> being <c>(byte[b / 8] &gt;&gt; (b % 8)) &amp; 1</c>. A row <c>(id, version)</c> sets <see cref="Probes"/>
/// bits: with <c>h</c> its <see cref="BucketChecksum.Of"/> as an unsigned 64-bit number, <c>h1</c> its low 32 bits and
/// <c>h2</c> its high 32 bits with the lowest bit set, probe <c>i</c> (0 to 7) is bit <c>(h1 + i × h2) mod (8m)</c>,
/// computed in unsigned 64-bit arithmetic.
/// </summary>
public sealed class HeldRowsFilter
{
    /// <summary>Bits set per row: with <see cref="RecommendedBitsPerRow"/> this gives about 0.06% false positives.</summary>
    public const int Probes = 8;

    /// <summary>
    /// The size a device should give its filter: 16 bits (2 bytes) per row held. At 1.5 bytes the false positives are
    /// five times as many (0.3%), and each table with one costs a fetch: more than the quarter of the filter saved.
    /// </summary>
    public const int RecommendedBitsPerRow = 16;

    /// <summary>Largest filter accepted (32,768 rows at the recommended size; larger tables just see more false positives).</summary>
    public const int MaxBytes = 64 * 1024;

    private readonly byte[] bits;

    private HeldRowsFilter(byte[] bits) => this.bits = bits;

    /// <summary>The filter as it goes on the wire (standard Base64).</summary>
    public string Encoded => Convert.ToBase64String(bits);

    /// <summary>An empty filter of the recommended size for <paramref name="rows"/> rows (at least 1 byte, at most <see cref="MaxBytes"/>).</summary>
    public static HeldRowsFilter ForRows(long rows)
        => new(new byte[Math.Clamp((rows * RecommendedBitsPerRow + 7) / 8, 1, MaxBytes)]);

    /// <summary>The filter of a set of rows, as a device builds it.</summary>
    public static HeldRowsFilter Of(IReadOnlyCollection<(string Id, long Version)> rows)
    {
        var filter = ForRows(rows.Count);
        foreach (var (id, version) in rows)
        {
            filter.Add(id, version);
        }
        return filter;
    }

    /// <summary>A filter from its Base64 form, or null when it is not Base64 of 1 to <see cref="MaxBytes"/> bytes.</summary>
    public static HeldRowsFilter? TryParse(string? encoded)
    {
        if (encoded is null || encoded.Length == 0 || encoded.Length > (MaxBytes + 2) / 3 * 4)
        {
            return null;
        }
        var buffer = new byte[encoded.Length / 4 * 3 + 3];
        return Convert.TryFromBase64String(encoded, buffer, out var written) && written is > 0 and <= MaxBytes ? new HeldRowsFilter(buffer[..written]) : null;
    }

    public void Add(string id, long version)
    {
        foreach (var bit in BitsOf(id, version))
        {
            bits[bit >> 3] |= (byte)(1 << (int)(bit & 7));
        }
    }

    /// <summary>False only when the device certainly does not hold the row at this version.</summary>
    public bool MayContain(string id, long version)
    {
        foreach (var bit in BitsOf(id, version))
        {
            if ((bits[bit >> 3] & (1 << (int)(bit & 7))) == 0)
            {
                return false;
            }
        }
        return true;
    }

    private ulong[] BitsOf(string id, long version)
    {
        var h = unchecked((ulong)BucketChecksum.Of(id, version));
        ulong h1 = h & 0xFFFF_FFFF, h2 = (h >> 32) | 1;
        var size = (ulong)bits.Length * 8;
        var probes = new ulong[Probes];
        for (var i = 0ul; i < Probes; i++)
        {
            probes[i] = unchecked(h1 + (i * h2)) % size;
        }
        return probes;
    }
}
