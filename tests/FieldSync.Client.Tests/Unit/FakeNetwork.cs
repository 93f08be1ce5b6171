using FieldSync.Client.Scheduling;

namespace FieldSync.Client.Tests.Unit;

/// <summary>The platform's network state as a test sets it.</summary>
internal sealed class FakeNetwork(NetworkKind current = NetworkKind.WiFi) : INetworkMonitor
{
    public NetworkKind Current { get; private set; } = current;

    public event EventHandler<NetworkKind>? Changed;

    public void Switch(NetworkKind kind)
    {
        Current = kind;
        Changed?.Invoke(this, kind);
    }
}
