namespace FieldSync.Client;

// The network check behind "Network or Service Unavailable".
public sealed partial class FieldSyncClient
{
    /// <summary>
    /// The seed's network check: <c>GET /api/health</c> (anonymous, one attempt, no retries) within
    /// <see cref="FieldSyncClientOptions.HealthCheckTimeout"/>. No answer in time, a connection error, another status or
    /// an answer that is not "Healthy" makes <see cref="Availability"/> <see cref="ServiceAvailability.Unavailable"/>
    /// ("Network or Service Unavailable"); an answer in time makes it <see cref="ServiceAvailability.Available"/>.
    /// </summary>
    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        var (answered, unreachable) = await AttemptAsync(_options.HealthCheckTimeout, _api.HealthProblemAsync, cancellationToken);
        var problem = unreachable ?? answered;
        SetAvailability(problem is null ? ServiceAvailability.Available : ServiceAvailability.Unavailable);
        return new HealthCheckResult(problem is null, _time.GetElapsedTime(started), problem);
    }
}
