using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FieldSync.Core.Sync;

/// <summary>Where a device is in one bucket.</summary>
public sealed class BucketCheckpoint
{
    /// <summary>The scope the bucket was read from; if the table moves to another scope, the bucket restarts.</summary>
    [JsonPropertyName("s")] public string Scope { get; set; } = "";
    /// <summary>The last op sequence delivered.</summary>
    [JsonPropertyName("q")] public long Seq { get; set; }
    /// <summary>True once the first download of the bucket has finished.</summary>
    [JsonPropertyName("c")] public bool Complete { get; set; }
    /// <summary>Records delivered by the first download so far (for the progress count).</summary>
    [JsonPropertyName("n")] public long Delivered { get; set; }
    /// <summary>
    /// The bucket's retention floor when the device last read it. Removals at or below it had expired before
    /// then, so the device never received the rows they remove; only a floor that rose past both this and
    /// <see cref="Seq"/> since means a removal the device needed is gone.
    /// </summary>
    [JsonPropertyName("f")] public long FloorSeen { get; set; }
    /// <summary>When the table was last synced (unix seconds).</summary>
    [JsonPropertyName("t")] public long SyncedAt { get; set; }
}

/// <summary>
/// The device's position in every bucket, handed to the device as an opaque token and returned on the next pull.
/// It carries no authority: the server re-derives the scopes from the authenticated user and ignores buckets
/// that do not match, so a forged token can at most make its own device download more.
/// </summary>
public sealed class Checkpoint
{
    [JsonPropertyName("v")] public int FormatVersion { get; set; } = 1;
    [JsonPropertyName("d")] public string DeviceId { get; set; } = "";
    [JsonPropertyName("u")] public string UserId { get; set; } = "";
    [JsonPropertyName("at")] public long PulledAt { get; set; }
    /// <summary>The profile revision the device was last sent, so the profile is only sent again when it changes.</summary>
    [JsonPropertyName("pr")] public string? ProfileRevision { get; set; }
    /// <summary>The highest pushed batch whose outcomes this device has been given.</summary>
    [JsonPropertyName("ps")] public long OutcomesThrough { get; set; }
    [JsonPropertyName("b")] public Dictionary<string, BucketCheckpoint> Buckets { get; set; } = new(StringComparer.Ordinal);

    public string Encode()
        => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryDecode(string token, out Checkpoint? checkpoint)
    {
        checkpoint = null;
        if (token.Length > 64 * 1024)
        {
            return false;
        }
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            checkpoint = JsonSerializer.Deserialize<Checkpoint>(Encoding.UTF8.GetString(Convert.FromBase64String(base64)));
            return checkpoint is { FormatVersion: 1 } && checkpoint.Buckets.Values.All(b => b is not null && b.Seq >= 0);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return false;
        }
    }
}
