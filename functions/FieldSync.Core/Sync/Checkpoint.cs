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
    /// <summary>
    /// The device record's generation this checkpoint belongs to (see <see cref="Devices.DeviceRegistration.Generation"/>):
    /// a first sync starts a new one, and a checkpoint of an older one (another install, a restored backup) is refused.
    /// 0 in checkpoints issued before generations existed, which match records of generation 0.
    /// </summary>
    [JsonPropertyName("g")] public long Generation { get; set; }
    [JsonPropertyName("b")] public Dictionary<string, BucketCheckpoint> Buckets { get; set; } = new(StringComparer.Ordinal);

    public string Encode()
        => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Most buckets a checkpoint may carry: one per table, and a schema has far fewer tables.</summary>
    public const int MaxBuckets = 256;

    /// <summary>Highest op sequence or record count a bucket may name; feeds count up from 1, far below this.</summary>
    public const long MaxSequence = 1L << 53;

    /// <summary>Latest time (unix seconds, 2200-01-01) a checkpoint may name; the pull adds intervals to it without overflow.</summary>
    public const long MaxUnixSeconds = 7_258_118_400;

    private const int MaxRevisionLength = 64;

    /// <summary>
    /// Decodes a token this server issued. Anything else — not base64, not JSON, nulls where values belong, ids or
    /// table names that are not valid, numbers negative or out of range, another format version — is rejected
    /// here, so a forged token is a clean "invalid checkpoint" rather than a failure deep in the pull.
    /// </summary>
    public static bool TryDecode(string? token, out Checkpoint? checkpoint)
    {
        checkpoint = null;
        if (string.IsNullOrEmpty(token) || token.Length > 64 * 1024)
        {
            return false;
        }
        Checkpoint? decoded;
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            decoded = JsonSerializer.Deserialize<Checkpoint>(Convert.FromBase64String(base64));
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            // InvalidOperationException and ArgumentException: strings that are not valid UTF-8 or UTF-16.
            return false;
        }
        if (decoded is null || !decoded.IsValid())
        {
            return false;
        }
        checkpoint = decoded;
        return true;
    }

    private bool IsValid()
    {
        if (FormatVersion != 1
            || !Records.RecordIds.IsValid(DeviceId, out _)
            || !Records.RecordIds.IsValid(UserId, out _)
            || PulledAt is < 0 or > MaxUnixSeconds
            || OutcomesThrough < 0
            || Generation is < 0 or > MaxSequence
            || (ProfileRevision is not null && (ProfileRevision.Length > MaxRevisionLength || !ProfileRevision.All(char.IsAsciiLetterOrDigit)))
            || Buckets is null
            || Buckets.Count > MaxBuckets)
        {
            return false;
        }
        foreach (var (table, bucket) in Buckets)
        {
            if (!Schema.SchemaCatalog.IsValidTableName(table)
                || bucket is null
                || !IsValidScope(bucket.Scope)
                || bucket.Seq is < 0 or > MaxSequence
                || bucket.Delivered is < 0 or > MaxSequence
                || bucket.FloorSeen is < 0 or > MaxSequence
                || bucket.SyncedAt is < 0 or > MaxUnixSeconds)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A bucket is read from the user's own scope (<c>u|&lt;user id&gt;</c>) or a copy of a profile's shared one
    /// (<c>s|&lt;profile id&gt;</c> or <c>s|&lt;profile id&gt;|&lt;copy&gt;</c>).
    /// </summary>
    private bool IsValidScope(string? scope)
        => scope is not null && scope.Length > 2 && scope[1] == '|' && scope[0] switch
        {
            'u' => scope == ScopeIds.ForUser(UserId),
            's' => ScopeIds.IsSharedCopy(scope),
            _ => false,
        };
}
