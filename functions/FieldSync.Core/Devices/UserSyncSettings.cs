namespace FieldSync.Core.Devices;

/// <summary>
/// The sync settings a user chose on the device (Power Apps' offline sync settings): sync on Wi-Fi only, and how
/// often to sync — <see cref="SyncFrequencies.Auto"/> (the profile's intervals), <see cref="SyncFrequencies.Interval"/>
/// (a longer interval of <see cref="IntervalMinutes"/>) or <see cref="SyncFrequencies.Manual"/>.
/// </summary>
public sealed record UserSyncSettings(bool WifiOnly, string SyncFrequency, int? IntervalMinutes)
{
    public const int MinIntervalMinutes = 5;
    public const int MaxIntervalMinutes = 1440;
}
