namespace FieldSync.Core.FullDelta;

/// <summary>What a validated verify or fetch names alike: the device and the checkpoint the pull's checks apply to.</summary>
public interface IDeviceRequest
{
    string DeviceId { get; }

    string Checkpoint { get; }
}
