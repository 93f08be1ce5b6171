using System.Security.Cryptography;
using System.Text;
using FieldSync.Core.Records;

namespace FieldSync.Core.Online;

/// <summary>
/// The continuation of an online page: opaque to callers (base64url), it names the plan and the last key read, and carries a
/// hash of what it is bound to (<see cref="OnlineQuery.Binding"/>), so a token edited, cut, or sent with another query, table
/// or caller is refused. It grants nothing: every page checks the profile again and evaluates the whole filter, and the
/// position is checked to be a key of the plan's own range, so the worst a forged one can do is start the same query elsewhere.
/// </summary>
internal static class OnlineContinuation
{
    private const string Version = "o1";

    public static string Encode(string binding, OnlinePlan plan, string position)
    {
        var text = string.Join('\n', Version, Hash(binding, plan.Key, position), plan.Key, position);
        return Sync.Base64Url.Encode(text);
    }

    /// <summary>The position the continuation names, or null when it is not one this query and caller were given.</summary>
    public static string? Decode(string continuation, string binding, OnlinePlan plan)
    {
        if (Sync.Base64Url.Decode(continuation, OnlineLimits.MaxContinuationLength) is not { } text)
        {
            return null;
        }
        var parts = text.Split('\n');
        if (parts.Length != 4 || parts[0] != Version || parts[2] != plan.Key)
        {
            return null;
        }
        var position = parts[3];
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(parts[1]), Encoding.ASCII.GetBytes(Hash(binding, plan.Key, position))))
        {
            return null;
        }
        return IsPosition(plan, position) ? position : null;
    }

    /// <summary>A scan's position is a record id (or empty: the start); an index's an entry key of the plan's column.</summary>
    private static bool IsPosition(OnlinePlan plan, string position) => plan.Kind switch
    {
        OnlinePlanKind.Scan => position.Length == 0 || RecordIds.IsValid(position, out _),
        OnlinePlanKind.IndexRange => position.StartsWith($"{LookupIndex.Prefix}{plan.Column}|", StringComparison.Ordinal)
            && position.Length <= 1024 && position.All(c => c is > ' ' and < '\u007f'),
        _ => false,
    };

    private static string Hash(string binding, string planKey, string position)
        => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', binding, planKey, position))), 0, 16);
}
