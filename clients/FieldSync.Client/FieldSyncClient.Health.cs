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
        // The timeout runs on the client's clock, so a test's fake clock decides when "too long" is.
        using var timeout = new CancellationTokenSource(_options.HealthCheckTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        string? problem;
        try
        {
            problem = await _api.HealthProblemAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = $"no answer within {_options.HealthCheckTimeout.TotalSeconds:0.###} s";
        }
        catch (HttpRequestException e)
        {
            problem = e.Message;
        }
        catch (IOException e)
        {
            problem = e.Message;
        }
        SetAvailability(problem is null ? ServiceAvailability.Available : ServiceAvailability.Unavailable);
        return new HealthCheckResult(problem is null, _time.GetElapsedTime(started), problem);
    }
}
