namespace FieldSync.Core.Devices;

/// <summary>A device in the admin's fleet listing: its record without the inbox figures (those are one device's status).</summary>
public sealed record DeviceSummary(
    string DeviceId,
    string UserId,
    DateTimeOffset RegisteredOn,
    DateTimeOffset LastSeenOn,
    bool SyncInProgress,
    DevicePull? LastPull,
    string? AppVersion,
    string? Platform,
    string? ProfileId,
    UserSyncSettings? UserSettings,
    DeviceReset? PendingReset)
{
    public static DeviceSummary From(DeviceRegistration d)
        => new(d.DeviceId, d.UserId, d.RegisteredOn, d.LastSeenOn, d.LastPull is { HasMore: true }, d.LastPull, d.AppVersion, d.Platform, d.ProfileId, d.UserSettings, d.PendingReset);
}
