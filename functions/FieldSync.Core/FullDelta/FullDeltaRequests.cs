using FieldSync.Core.Records;

namespace FieldSync.Core.FullDelta;

/// <summary>What the verify and fetch validators check alike: a device id safe for storage keys and a checkpoint.</summary>
internal static class FullDeltaRequests
{
    public static void CheckDevice(string? deviceId, string? checkpoint, List<FieldError> errors)
    {
        if (deviceId is null)
        {
            errors.Add(new FieldError("deviceId", "'deviceId' is required."));
        }
        else if (!RecordIds.IsValid(deviceId, out var error))
        {
            errors.Add(new FieldError("deviceId", error ?? "Not a valid device id."));
        }
        if (checkpoint is null)
        {
            // Nothing to verify without one: a device without a checkpoint holds nothing the server gave it.
            errors.Add(new FieldError("checkpoint", "'checkpoint' is required: the last one your pulls gave you. Without one, pull (a first sync)."));
        }
    }
}
