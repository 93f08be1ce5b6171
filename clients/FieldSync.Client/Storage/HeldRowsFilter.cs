namespace FieldSync.Client.Storage;

/// <summary>
/// The held-rows filter a verify sends per table (docs/sync-protocol.md, "Held-rows filter"): a Bloom filter of the rows
/// held, 2 bytes a row (1 to 65,536 bytes), 8 bits a row set from the row's checksum term <c>h</c>: bit
/// <c>(h1 + i × h2) mod 8m</c> for i = 0…7, with h1 its low 32 bits and h2 its high 32 bits with the lowest bit set.
/// The server sends whole, in the verify answer, the listed rows the filter says the device lacks.
/// </summary>
internal static class HeldRowsFilter
{
    private const int Probes = 8;
    private const int BytesPerRow = 2;
    private const int MaxBytes = 64 * 1024;

    /// <summary>The filter of <paramref name="rows"/>, Base64 as the wire carries it.</summary>
    public static string Encode(IReadOnlyCollection<(string Id, long Version)> rows)
    {
        var bits = new byte[Math.Clamp((long)rows.Count * BytesPerRow, 1, MaxBytes)];
        var size = (ulong)bits.Length * 8;
        foreach (var (id, version) in rows)
        {
            var h = TableChecksum.Of(id, version);
            ulong h1 = h & 0xFFFF_FFFF, h2 = (h >> 32) | 1;
            for (var i = 0ul; i < Probes; i++)
            {
                var bit = unchecked(h1 + (i * h2)) % size;
                bits[bit >> 3] |= (byte)(1 << (int)(bit & 7));
            }
        }
        return Convert.ToBase64String(bits);
    }
}
