using FieldSync.Core.Telemetry;

namespace FieldSync.Core.Cleanup;

/// <summary>What one cleanup run did; <see cref="ToEvent"/> is its <c>FieldSync.Cleanup</c> event.</summary>
public sealed record CleanupReport(string Kind, bool MoreRemains)
{
    public int DevicesRemoved { get; init; }

    /// <summary>Stale devices kept: uploads not applied yet, or seen while they were being removed.</summary>
    public int DevicesKept { get; init; }

    public int ScopesRetired { get; init; }

    public int ChunksDeleted { get; init; }

    public int BatchesPurged { get; init; }

    /// <summary>What the run handled, for the TimerRun event's ItemCount.</summary>
    public int Items => DevicesRemoved + ChunksDeleted + BatchesPurged;

    public TelemetryEvent ToEvent()
        => new TelemetryEvent(TelemetryNames.Events.Cleanup)
            .Dimension(TelemetryNames.Dimensions.CleanupKind, Kind)
            .Dimension(TelemetryNames.Dimensions.MoreRemains, MoreRemains)
            .Measure(TelemetryNames.Measurements.DevicesRemoved, DevicesRemoved)
            .Measure(TelemetryNames.Measurements.DevicesKept, DevicesKept)
            .Measure(TelemetryNames.Measurements.ScopesRetired, ScopesRetired)
            .Measure(TelemetryNames.Measurements.ChunksDeleted, ChunksDeleted)
            .Measure(TelemetryNames.Measurements.BatchesPurged, BatchesPurged);

}
