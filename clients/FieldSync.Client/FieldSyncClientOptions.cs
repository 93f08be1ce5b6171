namespace FieldSync.Client;

/// <summary>How a <see cref="FieldSyncClient"/> reaches the server and how hard it retries.</summary>
public sealed class FieldSyncClientOptions
{
    /// <summary>The function app's root, e.g. <c>https://fieldsync.example.net/</c> (the API is under <c>api/</c>).</summary>
    public required Uri ServerAddress { get; init; }

    /// <summary>This installation's stable id (record id rules: no <c>/ \ # ?</c>). The server binds it to the first user who syncs with it.</summary>
    public required string DeviceId { get; init; }

    /// <summary>
    /// Gets a bearer access token for each request (MSAL's <c>AcquireTokenSilent</c> in an app, the local host's
    /// <c>token</c> verb in tests). Called per attempt, so a retried request after a long backoff gets a fresh token.
    /// </summary>
    public required Func<CancellationToken, ValueTask<string>> AccessToken { get; init; }

    /// <summary>Sent as <c>X-FieldSync-App-Version</c> on pull and push when set (1-64 printable ASCII characters).</summary>
    public string? AppVersion { get; init; }

    /// <summary>Sent as <c>X-FieldSync-Platform</c> on pull and push when set (1-64 printable ASCII characters), e.g. <c>android-15</c>.</summary>
    public string? Platform { get; init; }

    /// <summary>Records per pull page (1-5000); the server's default is 1000.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>Retries after the first attempt on 408/429/502/503/504, connection failures and attempt timeouts.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The first backoff; later ones grow exponentially, with jitter so a fleet does not retry in step.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No backoff is longer than this, and neither is a server's <c>Retry-After</c> (a bad header must not park the device for hours).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>One attempt, body included, gives up after this long and counts as a retryable failure.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pages one <see cref="FieldSyncClient.SyncAsync"/> follows at most; reaching it is a protocol error, never an endless loop.</summary>
    public int MaxPagesPerSync { get; init; } = 10_000;

    /// <summary>Changes per pushed batch (the server takes up to 100).</summary>
    public int MaxChangesPerBatch { get; init; } = 100;

    /// <summary>
    /// Whether <see cref="FieldSyncClient.SyncAsync"/> repairs a table whose rows differ from the server's figures by a
    /// full delta sync (<see cref="FieldSyncClient.RepairAsync"/>) as soon as a pull finds it. Default true.
    /// </summary>
    public bool RepairIntegrityMismatches { get; init; } = true;

    /// <summary>
    /// The network check (<c>GET /api/health</c>) that takes longer than this counts as no answer: the seed's
    /// "Network or Service Unavailable" ("the response takes too long").
    /// </summary>
    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>An online read gets one attempt of at most this long; then the local database answers instead.</summary>
    public TimeSpan OnlineReadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HealthCheckTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OnlineReadTimeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(ServerAddress);
        ArgumentNullException.ThrowIfNull(AccessToken);
        if (string.IsNullOrWhiteSpace(DeviceId) || DeviceId.Length > 255 || DeviceId.IndexOfAny(['/', '\\', '#', '?']) >= 0 || DeviceId.Any(char.IsControl))
        {
            throw new ArgumentException("DeviceId must be 1-255 characters without / \\ # ? or control characters.", nameof(DeviceId));
        }
        CheckHeaderValue(AppVersion, nameof(AppVersion));
        CheckHeaderValue(Platform, nameof(Platform));
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PageSize, 5000);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxChangesPerBatch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxChangesPerBatch, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPagesPerSync, 1);
    }

    // The server answers 400 for a bad header value; failing here names the option instead of a sync that always fails.
    private static void CheckHeaderValue(string? value, string name)
    {
        if (value is not null && (value.Length is 0 or > 64 || value.Any(c => c is < '\x20' or > '\x7e')))
        {
            throw new ArgumentException($"{name} must be 1-64 printable ASCII characters.", name);
        }
    }
}
