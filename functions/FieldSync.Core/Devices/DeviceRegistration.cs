namespace FieldSync.Core.Devices;

/// <summary>
/// The device record: a device, the user it belongs to (bound by the first user who syncs with it), and how it stands
/// as the server last saw it. <see cref="LastSeenOn"/> is when the server last recorded the device pulling or pushing.
/// Pulls write the record only when something it shows changed beyond the clock, or when the last write is older than
/// an hour, so for idle pulls its times are accurate to the hour (docs/sync-protocol.md, "Device status").
/// </summary>
public sealed record DeviceRegistration(string DeviceId, string UserId, DateTimeOffset RegisteredOn, DateTimeOffset? LastPullOn, string ETag)
{
    public DateTimeOffset LastSeenOn { get; init; } = RegisteredOn;

    /// <summary>The last pull the server answered (or refused for a superseded checkpoint); null before the first.</summary>
    public DevicePull? LastPull { get; init; }

    /// <summary>From the optional <c>X-FieldSync-App-Version</c> header of the device's last pull or push that sent it.</summary>
    public string? AppVersion { get; init; }

    /// <summary>From the optional <c>X-FieldSync-Platform</c> header.</summary>
    public string? Platform { get; init; }

    /// <summary>The profile (and its revision) the device's last pull was answered with.</summary>
    public string? ProfileId { get; init; }

    public string? ProfileRevision { get; init; }

    /// <summary>The user's sync settings as the device last reported them in a pull.</summary>
    public UserSyncSettings? UserSettings { get; init; }

    /// <summary>An admin asked for a reset that the device's next pull has not carried out yet.</summary>
    public DeviceReset? PendingReset { get; init; }

    /// <summary>
    /// Which of the device's databases is current: a pull without a checkpoint (a first sync) or a reset starts the
    /// next one, and a checkpoint of another generation is refused. 0 for a device that never pulled.
    /// </summary>
    public long Generation { get; init; }

    /// <summary>
    /// The inbox's sync error count when the device's current database began: errors recorded before belong to a
    /// database the device no longer has, so they are not unresolved for it.
    /// </summary>
    public long ErrorBaseline { get; init; }

    /// <summary>Per table: last updated, next due, rows and whether the device's last reported checksum matched.</summary>
    public IReadOnlyDictionary<string, DeviceTableStatus> Tables { get; init; } = new Dictionary<string, DeviceTableStatus>(StringComparer.Ordinal);
}
