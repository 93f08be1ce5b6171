using System.Text;

namespace FieldSync.Core.Sync;

/// <summary>Opaque text tokens (continuations) as URL-safe base64 without padding, decoded strictly.</summary>
internal static class Base64Url
{
    public static string Encode(string text)
        => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The token's text, or null when it is not URL-safe base64 of valid UTF-8 within <paramref name="maxLength"/> characters.</summary>
    public static string? Decode(string token, int maxLength)
    {
        if (token.Length is 0 || token.Length > maxLength || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return null;
        }
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }
    }
}
