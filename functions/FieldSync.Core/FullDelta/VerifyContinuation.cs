using System.Globalization;
using FieldSync.Core.Schema;
using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>
/// Where a verify stopped: the table it was at, and, when it was listing that table, the scope, the head sequence
/// <see cref="At"/> read when the table was judged (its list describes the bucket at that head) and the sequence number of the last feed entry
/// read. Bound to the device and its database (generation). Opaque to the device; it grants nothing: the scope must be
/// the one the caller reads now and <see cref="At"/> no later than the bucket's last op, so a forged one can at most
/// list the caller's own bucket from elsewhere.
/// </summary>
public sealed record VerifyContinuation(string DeviceId, long Generation, string Table, bool Listing, string Scope, long At, long AfterSeq)
{
    private const string Version = "v2";

    public string Encode()
    {
        var text = string.Join('\n', Version, DeviceId, Generation.ToString(CultureInfo.InvariantCulture), Table, Listing ? "1" : "0", Scope,
            At.ToString(CultureInfo.InvariantCulture), AfterSeq.ToString(CultureInfo.InvariantCulture));
        return Base64Url.Encode(text);
    }

    /// <summary>The continuation, when the token is one issued to this device for this database; null otherwise.</summary>
    public static VerifyContinuation? Decode(string token, string deviceId, long generation)
    {
        if (Base64Url.Decode(token, FullDeltaLimits.MaxContinuationLength) is not { } text)
        {
            return null;
        }
        var parts = text.Split('\n');
        if (parts.Length != 8 || parts[0] != Version || parts[1] != deviceId
            || parts[2] != generation.ToString(CultureInfo.InvariantCulture)
            || !SchemaCatalog.IsValidTableName(parts[3])
            || parts[4] is not ("0" or "1")
            || !long.TryParse(parts[6], NumberStyles.None, CultureInfo.InvariantCulture, out var at) || at > Checkpoint.MaxSequence
            || !long.TryParse(parts[7], NumberStyles.None, CultureInfo.InvariantCulture, out var afterSeq) || afterSeq > at)
        {
            return null;
        }
        return new VerifyContinuation(deviceId, generation, parts[3], parts[4] == "1", parts[5], at, afterSeq);
    }
}
