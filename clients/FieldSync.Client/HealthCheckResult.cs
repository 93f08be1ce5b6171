namespace FieldSync.Client;

/// <summary>One network check (<c>GET /api/health</c>).</summary>
/// <param name="IsAvailable">The server answered "Healthy" within <see cref="FieldSyncClientOptions.HealthCheckTimeout"/>.</param>
/// <param name="Elapsed">How long the check took (up to the timeout).</param>
/// <param name="Problem">Why it failed: no answer in time, a connection error, another status, or not a health answer.</param>
public sealed record HealthCheckResult(bool IsAvailable, TimeSpan Elapsed, string? Problem)
{
    /// <summary>The seed's words for a network check that gets no answer, or an answer too late.</summary>
    public const string NetworkOrServiceUnavailable = "Network or Service Unavailable";
}
