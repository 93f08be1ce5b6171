using FieldSync.Core.Records;

namespace FieldSync.Functions.Http;

/// <summary>A record's version travels as a strong ETag, <c>"7"</c>; If-Match takes it back, or <c>*</c>.</summary>
public static class ETags
{
    public static string Format(long version) => $"\"{version}\"";

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
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            text = text[1..^1];
        }
        if (long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) && version > 0)
        {
            condition = new VersionCondition(version);
            return true;
        }
        return false;
    }
}
