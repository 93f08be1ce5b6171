using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace FieldSync.Client.Storage;

/// <summary>
/// The protocol's integrity checksum of a table's rows (docs/sync-protocol.md, "Integrity"): the XOR over the rows of
/// XxHash64 (seed 0) of the UTF-8 bytes of <c>id + "\u0000" + version</c>, as 16 lower-case hex digits. XOR makes it
/// independent of row order.
/// </summary>
public static class TableChecksum
{
    public static ulong Of(string id, long version)
        => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(id + "\u0000" + version.ToString(CultureInfo.InvariantCulture)));

    public static string Format(ulong checksum) => checksum.ToString("x16", CultureInfo.InvariantCulture);

    public static string Compute(IEnumerable<(string Id, long Version)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var checksum = 0UL;
        foreach (var (id, version) in rows)
        {
            checksum ^= Of(id, version);
        }
        return Format(checksum);
    }
}
