using System.IO.Compression;

namespace FieldSync.Functions.Http;

/// <summary>Content negotiation for compressed responses (RFC 9110 Accept-Encoding), brotli preferred over gzip.</summary>
public static class ResponseCompression
{
    /// <summary>Below this size compression costs more than it saves.</summary>
    public const int MinimumBytes = 512;

    public static string? Choose(string acceptEncoding)
    {
        string? best = null;
        var bestQuality = 0.0;
        foreach (var part in acceptEncoding.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            var name = pieces[0].ToLowerInvariant();
            var quality = 1.0;
            foreach (var parameter in pieces.Skip(1))
            {
                if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(parameter[2..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q))
                {
                    quality = q;
                }
            }
            // Prefer br on a tie: it is smaller for JSON at the same speed setting.
            if (name is "br" or "gzip" && quality > 0 && (quality > bestQuality || (quality == bestQuality && name == "br")))
            {
                best = name;
                bestQuality = quality;
            }
        }
        return best;
    }

    public static ReadOnlyMemory<byte> Encode(ReadOnlyMemory<byte> body, string encoding)
    {
        using var output = new MemoryStream(body.Length / 4 + 64);
        using (Stream compressor = encoding == "br"
            ? new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true)
            : new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(body.Span);
        }
        return output.ToArray();
    }
}
