using FieldSync.Core.Devices;
using FieldSync.Core.Profiles;
using FieldSync.Core.Sync;

namespace FieldSync.Core.FullDelta;

/// <summary>
/// A verify's or fetch's device once its checkpoint has passed the pull's checks: its record, the decoded checkpoint,
/// the profile the user's scope was evaluated with, and the scope heads read so far (the shared one only when needed).
/// </summary>
internal sealed class DeviceSession(DeviceRegistration device, Checkpoint checkpoint, OfflineProfile profile, ScopeHead userHead)
{
    public DeviceRegistration Device { get; } = device;

    public Checkpoint Checkpoint { get; } = checkpoint;

    public OfflineProfile Profile { get; set; } = profile;

    public ScopeHead UserHead { get; set; } = userHead;

    public ScopeHead? SharedHead { get; set; }
}
