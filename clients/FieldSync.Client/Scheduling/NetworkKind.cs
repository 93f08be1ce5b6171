namespace FieldSync.Client.Scheduling;

/// <summary>How the device is connected, as the platform reports it (MAUI's <c>Connectivity.ConnectionProfiles</c>).</summary>
public enum NetworkKind
{
    /// <summary>No network: nothing is synced.</summary>
    None,

    /// <summary>Wi-Fi: allowed by "Wi-Fi only".</summary>
    WiFi,

    /// <summary>A wired connection (a docked Windows tablet): not metered, so "Wi-Fi only" allows it too.</summary>
    Ethernet,

    /// <summary>Mobile data: "Wi-Fi only" holds syncs back.</summary>
    Cellular,
}
