namespace FieldSync.Client.Scheduling;

/// <summary>How the <see cref="SyncScheduler"/> paces itself beyond the profile's intervals.</summary>
public sealed class SyncSchedulerOptions
{
    /// <summary>
    /// No scheduled sync starts sooner than this after the previous one began: the server decides what is due, so a
    /// device whose clock runs ahead of the server's would otherwise pull again and again for nothing.
    /// </summary>
    public TimeSpan MinimumGap { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>After a failed sync, the next scheduled one waits at least this long (the client's own retries have already run).</summary>
    public TimeSpan RetryAfterFailure { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>While the health check fails ("Network or Service Unavailable"), it is asked again this often.</summary>
    public TimeSpan HealthRecheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumGap, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryAfterFailure, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HealthRecheckInterval, TimeSpan.Zero);
    }
}
