namespace FieldSync.Core.FullDelta;

/// <summary>Why a verify or fetch was refused (nothing is written on any of these).</summary>
public enum FullDeltaFailure
{
    None,
    /// <summary>The request is malformed or names a table outside the schema or the profile: 400.</summary>
    Invalid,
    /// <summary>The device id is bound to another user: 403.</summary>
    DeviceOfOtherUser,
    /// <summary>The checkpoint was not issued to this device and user: 400, as the pull answers it.</summary>
    InvalidCheckpoint,
    /// <summary>The checkpoint belongs to an older database of the device: 409, as the pull answers it.</summary>
    CheckpointSuperseded,
    /// <summary>An admin reset is pending or the device was removed: 409; the device pulls, and the pull carries out the reset.</summary>
    ResetRequired,
    /// <summary>The continuation is not one this server gave this device and database, or its table's bucket was rebuilt: 400.</summary>
    InvalidContinuation,
}
