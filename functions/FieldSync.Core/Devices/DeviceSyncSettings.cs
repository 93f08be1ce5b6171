namespace FieldSync.Core.Devices;

/// <summary>
/// The sync settings the device's profile allows, the user's reported choices, and which of those choices the profile
/// does not allow (<c>wifiOnly</c>, <c>syncFrequency</c>): recorded, not refused, as the profile may have changed while
/// the device was offline; an admin sees here why a device has not synced.
/// </summary>
public sealed record DeviceSyncSettings(bool AllowWifiOnlySync, bool AllowAdjustSyncFrequency, bool AllowOnlineMode, UserSyncSettings? User, IReadOnlyList<string> NotAllowed);
