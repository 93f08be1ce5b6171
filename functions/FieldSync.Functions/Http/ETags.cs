using System.Globalization;
using FieldSync.Core.Records;

namespace FieldSync.Functions.Http;

/// <summary>
/// A record's version travels as a strong ETag, <c>"7"</c>. If-Match takes it back (or <c>*</c>) and compares
/// strongly, as RFC 9110 requires for writes; If-None-Match on a read compares weakly and may list several.
/// </summary>
public static class ETags
{
    public static string Format(long version) => $"\"{version}\"";

    /// <summary>Reads If-Match: <c>*</c> or one strong record ETag. A weak ETag is not accepted (see <see cref="IsWeak"/>).</summary>
    public static bool TryParseIfMatch(string? header, out VersionCondition condition)
    {
        condition = VersionCondition.Any;
        var text = header?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        if (text == "*")
        {
            return true;
        }
        if (TryParseStrong(text, out var version))
        {
            condition = new VersionCondition(version);
            return true;
        }
        return false;
    }

    /// <summary>Whether the header is one well-formed weak ETag, <c>W/"…"</c>: it can never match for a write.</summary>
    public static bool IsWeak(string? header)
    {
        var text = header?.Trim();
        return text is { Length: >= 4 } && text.StartsWith("W/\"", StringComparison.Ordinal) && text[^1] == '"'
            && text.AsSpan(3, text.Length - 4).IndexOfAny('"', ',') < 0;
    }

    /// <summary>
    /// Whether If-None-Match names the record's current version: <c>*</c> (any current record), or a list of
    /// ETags compared weakly (<c>W/"3"</c> matches version 3). A header that is not ETags matches nothing.
    /// </summary>
    public static bool IfNoneMatchMatches(string? header, long version)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return false;
        }
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*")
            {
                return true;
            }
            var tag = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
            if (TryParseStrong(tag, out var listed) && listed == version)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A quoted positive version, <c>"7"</c>; a bare <c>7</c> is taken too, as clients often drop the quotes.</summary>
    private static bool TryParseStrong(string text, out long version)
    {
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version > 0;
    }
}
