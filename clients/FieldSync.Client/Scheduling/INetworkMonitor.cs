namespace FieldSync.Client.Scheduling;

/// <summary>
/// The platform's network state, for the scheduler: a MAUI app wraps <c>Connectivity.Current</c> (its
/// <c>ConnectivityChanged</c> event and <c>ConnectionProfiles</c>); tests use a fake. The scheduler reads
/// <see cref="Current"/> whenever it decides and re-decides when <see cref="Changed"/> fires.
/// </summary>
public interface INetworkMonitor
{
    NetworkKind Current { get; }

    event EventHandler<NetworkKind>? Changed;
}
