namespace FieldSync.Core.Devices;

/// <summary>The values of <see cref="UserSyncSettings.SyncFrequency"/> as devices send them.</summary>
public static class SyncFrequencies
{
    public const string Auto = "auto";
    public const string Interval = "interval";
    public const string Manual = "manual";

    public static readonly IReadOnlyList<string> All = [Auto, Interval, Manual];
}
