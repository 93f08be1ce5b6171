namespace FieldSync.Core.Devices;

/// <summary>Why a pull answers with a reset instruction.</summary>
public static class DeviceResetReasons
{
    /// <summary>An admin reset the device (<c>POST /api/admin/devices/{deviceId}/reset</c>).</summary>
    public const string Admin = "admin";

    /// <summary>The device's record is gone (unbound by an admin, or removed by the cleanup timer); it is bound again.</summary>
    public const string DeviceRemoved = "device-removed";
}
