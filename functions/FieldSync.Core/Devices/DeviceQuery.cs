namespace FieldSync.Core.Devices;

/// <summary>A page of the fleet: every device, or one user's, optionally only those not seen since <see cref="StaleSince"/>.</summary>
public sealed record DeviceQuery(string? UserId = null, DateTimeOffset? StaleSince = null, int PageSize = 100, string? Continuation = null)
{
    public const int MaxPageSize = 1000;
}
