using System.Buffers;

namespace FieldSync.Core.Records;

/// <summary>
/// Record ids become Azure Table row keys and URL segments, so they are held to a whitelist:
/// letters, digits and <c>- _ . : @</c>, starting with a letter or digit, at most 128 characters.
/// That excludes everything Azure forbids in keys (<c>/ \ # ?</c>, control characters) and everything that
/// would need escaping in a URL or an OData literal (quotes, spaces, <c>%</c>).
/// </summary>
public static class RecordIds
{
    public const int MaxLength = 128;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:@");

    public static bool IsValid(string? id, out string? error)
    {
        if (string.IsNullOrEmpty(id))
        {
            error = "An id must not be empty.";
            return false;
        }
        if (id.Length > MaxLength)
        {
            error = $"An id must be at most {MaxLength} characters; this one has {id.Length}.";
            return false;
        }
        var bad = id.AsSpan().IndexOfAnyExcept(Allowed);
        if (bad >= 0)
        {
            var c = id[bad];
            var shown = char.IsControl(c) ? $"U+{(int)c:X4}" : $"'{c}'";
            error = $"An id may contain only letters, digits and - _ . : @; character {bad} is {shown}.";
            return false;
        }
        if (!char.IsAsciiLetterOrDigit(id[0]))
        {
            error = "An id must start with a letter or a digit.";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>A new server-assigned id: a GUID without dashes, always valid.</summary>
    public static string NewId() => Guid.NewGuid().ToString("N");
}
