using System.Globalization;

namespace FieldSync.Core.Records;

/// <summary>
/// The recent device changes a record went through, kept on the record as <c>changeId@version</c> entries
/// (newest first): a re-run of a pushed batch finds its own change there, with the version it produced, and so
/// neither applies it twice nor reports a different outcome. Other writers keep it as it is: a dispatcher who
/// writes between a crashed apply and its re-run must not make the re-run decide the change again (and, with
/// conflict detection off, overwrite the dispatcher's newer write with the device's older one).
/// </summary>
public static class ChangeHistory
{
    public const int MaxEntries = 16;

    public static string Append(string? history, string changeId, long version)
    {
        var entry = $"{changeId}@{version.ToString(CultureInfo.InvariantCulture)}";
        var kept = (history ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(MaxEntries - 1);
        return string.Join(' ', new[] { entry }.Concat(kept));
    }

    /// <summary>The version <paramref name="changeId"/> produced, if the record's history still holds it.</summary>
    public static bool TryFind(string? history, string changeId, out long version)
    {
        version = 0;
        foreach (var entry in (history ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = entry.LastIndexOf('@');
            if (at > 0 && entry.AsSpan(0, at).SequenceEqual(changeId) && long.TryParse(entry.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out version))
            {
                return true;
            }
        }
        return false;
    }
}
