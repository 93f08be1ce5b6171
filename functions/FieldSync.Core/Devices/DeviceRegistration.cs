namespace FieldSync.Core.Devices;

/// <summary>
/// A device and the user it belongs to: bound by the first user who syncs with it. <see cref="LastSeenOn"/> is when
/// the server last recorded the device pulling or pushing (refreshed at most hourly on idle pulls, to keep them cheap).
/// </summary>
public sealed record DeviceRegistration(string DeviceId, string UserId, DateTimeOffset RegisteredOn, DateTimeOffset? LastPullOn, string ETag)
{
    public DateTimeOffset LastSeenOn { get; init; } = RegisteredOn;
}
