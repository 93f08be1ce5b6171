namespace FieldSync.Client;

/// <summary>What the client knows about reaching the server, from the health check and from its own requests.</summary>
public enum ServiceAvailability
{
    /// <summary>Nothing asked yet since the app started.</summary>
    Unknown,

    /// <summary>The last health check, or the last request, got its answer in time.</summary>
    Available,

    /// <summary>The seed's "Network or Service Unavailable": the last health check got no answer, or not in time, or a request could not reach the server.</summary>
    Unavailable,
}
