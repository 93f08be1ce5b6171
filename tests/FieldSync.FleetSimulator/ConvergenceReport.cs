namespace FieldSync.FleetSimulator;

/// <summary>
/// Every device's rows against what its profile selects from the server's records now.
/// <paramref name="Missing"/>: selected rows the device lacks; <paramref name="Extra"/>: rows it holds that are not
/// selected; <paramref name="Stale"/>: rows held at another version; <paramref name="Unsent"/>: rows with local changes
/// still not confirmed by the server. <paramref name="DivergedDevices"/>: the device ids that differ.
/// </summary>
internal sealed record ConvergenceReport(
    int Devices,
    int DevicesConverged,
    long RowsExpected,
    long RowsHeld,
    long Missing,
    long Extra,
    long Stale,
    long Unsent,
    IReadOnlyList<string> Samples,
    IReadOnlyList<string> DivergedDevices)
{
    public bool Converged => Devices > 0 && DevicesConverged == Devices;
}
