namespace FieldSync.Client.Scheduling;

/// <summary>Why the scheduler is not starting a sync now (the Device Status page shows it).</summary>
public enum SyncHeldBack
{
    /// <summary>Nothing holds it back: a sync runs, or starts when the next table is due.</summary>
    Nothing,

    /// <summary>The app is not active: a sync is never started in the background (one running may finish).</summary>
    AppInactive,

    /// <summary>No network.</summary>
    NoNetwork,

    /// <summary>The user chose "Wi-Fi only", the profile allows it, and the device is on mobile data.</summary>
    WaitingForWiFi,

    /// <summary>The health check got no answer, or not in time: "Network or Service Unavailable".</summary>
    ServiceUnavailable,

    /// <summary>The user chose Manual, the profile allows it: only "Check for updates" or a Refresh syncs.</summary>
    Manual,

    /// <summary>The scheduler was not started, or was disposed.</summary>
    Stopped,
}
