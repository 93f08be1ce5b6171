using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace FieldSync.Functions.Http;

/// <summary>
/// Finds text in a JSON body that is not Unicode: bytes that are not UTF-8, and <c>\u</c> escapes that leave a
/// surrogate unpaired (<c>"\ud800"</c>). A JSON parser accepts both, but reading such a string throws, deep in
/// whichever code reads it; checked once up front, every body that gets past the guard is text.
/// </summary>
internal static class JsonText
{
    /// <summary>The byte offset of the first string or property name that is not valid text, or -1 when all are.</summary>
    public static long FindInvalidText(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            return FirstInvalidUtf8(json);
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = RequestGuard.MaxDepth });
        while (reader.Read())
        {
            // Unescaped strings are valid UTF-8 (checked above); only escapes can produce a lone surrogate.
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !IsText(ref reader))
            {
                return reader.TokenStartIndex;
            }
        }
        return -1;
    }

    private static bool IsText(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static long FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }
            offset += consumed;
        }
        return -1;
    }
}
