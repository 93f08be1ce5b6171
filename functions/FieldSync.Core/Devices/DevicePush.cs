namespace FieldSync.Core.Devices;

/// <summary>The device's last accepted push: when, and its batch sequence (from the inbox head).</summary>
public sealed record DevicePush(DateTimeOffset? At, long Sequence);
