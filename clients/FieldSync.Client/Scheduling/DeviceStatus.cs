namespace FieldSync.Client.Scheduling;

/// <summary>
/// The Device Status page and the sync icon (connected, not connected, syncing, pending uploads, error), as the
/// scheduler sees it. Only values, so two equal snapshots are equal and <see cref="SyncScheduler.DeviceStatusChanged"/>
/// fires only when something shown changed.
/// </summary>
/// <param name="Network">How the device is connected.</param>
/// <param name="Service">What the last health check or request said about reaching the server.</param>
/// <param name="SyncInProgress">A sync is running (possibly finishing in the background), or a first download stopped with pages to come.</param>
/// <param name="PendingUploads">Local changes the server has not confirmed yet, one by one.</param>
/// <param name="SyncErrors">Sync errors the device holds (rejected or invalid changes).</param>
/// <param name="LastSyncFailure">Why the last sync failed; null after a success.</param>
/// <param name="HeldBack">Why no sync is starting now.</param>
/// <param name="NextSyncAt">When the next scheduled sync starts, if nothing holds it back (device clock).</param>
public sealed record DeviceStatus(
    NetworkKind Network,
    ServiceAvailability Service,
    bool SyncInProgress,
    int PendingUploads,
    int SyncErrors,
    string? LastSyncFailure,
    SyncHeldBack HeldBack,
    DateTimeOffset? NextSyncAt)
{
    /// <summary>
    /// The sync icon's "connected": a network and a server that answered. Until the first check has answered the app is
    /// offline (the seed: "The app boots into offline mode before it detects the network's availability").
    /// </summary>
    public bool IsConnected => Network != NetworkKind.None && Service == ServiceAvailability.Available;

    /// <summary>The seed's message while not connected (no network, the network check not answered yet, no answer or too late); null otherwise.</summary>
    public string? Message => IsConnected ? null : HealthCheckResult.NetworkOrServiceUnavailable;
}
