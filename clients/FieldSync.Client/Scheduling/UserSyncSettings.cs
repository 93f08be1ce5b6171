using FieldSync.Client.Wire;

namespace FieldSync.Client.Scheduling;

/// <summary>
/// The user's own sync choices (Power Apps' offline sync settings): "Wi-Fi only" and the sync frequency. They are
/// sent on every pull (<c>userSettings</c>) whether or not the profile allows them, so an admin sees why a device has
/// not synced; the scheduler applies only what the profile allows (<see cref="DeviceProfile"/>).
/// </summary>
public sealed record UserSyncSettings
{
    public const int MinIntervalMinutes = 5;
    public const int MaxIntervalMinutes = 1440;

    /// <summary>What a user who never opened the settings has: any network, the admin's intervals.</summary>
    public static readonly UserSyncSettings Default = new();

    public bool WifiOnly { get; init; }

    public SyncFrequency Frequency { get; init; } = SyncFrequency.Auto;

    /// <summary>With <see cref="SyncFrequency.Interval"/> only: 5 to 1,440 minutes.</summary>
    public int? IntervalMinutes { get; init; }

    /// <summary>"Sync every <paramref name="minutes"/> minutes" (at least as long as the admin's intervals).</summary>
    public static UserSyncSettings Every(int minutes, bool wifiOnly = false) => new() { Frequency = SyncFrequency.Interval, IntervalMinutes = minutes, WifiOnly = wifiOnly };

    /// <summary>Throws when the choice cannot be sent: the server would refuse the whole pull with a 400.</summary>
    internal void Validate()
    {
        if (Frequency == SyncFrequency.Interval)
        {
            if (IntervalMinutes is not (>= MinIntervalMinutes and <= MaxIntervalMinutes))
            {
                throw new ArgumentOutOfRangeException(nameof(IntervalMinutes), IntervalMinutes, $"A sync interval is {MinIntervalMinutes} to {MaxIntervalMinutes} minutes.");
            }
        }
        else if (IntervalMinutes is not null)
        {
            throw new ArgumentException("IntervalMinutes goes only with SyncFrequency.Interval.", nameof(IntervalMinutes));
        }
        if (!Enum.IsDefined(Frequency))
        {
            throw new ArgumentOutOfRangeException(nameof(Frequency), Frequency, "Unknown sync frequency.");
        }
    }

    internal UserSettingsBody ToWire() => new()
    {
        WifiOnly = WifiOnly,
        SyncFrequency = Frequency switch { SyncFrequency.Interval => "interval", SyncFrequency.Manual => "manual", _ => "auto" },
        IntervalMinutes = Frequency == SyncFrequency.Interval ? IntervalMinutes : null,
    };
}
