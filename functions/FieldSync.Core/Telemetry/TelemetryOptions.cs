namespace FieldSync.Core.Telemetry;

/// <summary>Configuration section <c>FieldSync:Telemetry</c>, read at run time.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "FieldSync:Telemetry";

    /// <summary>Off: the worker sends nothing (events, metrics, logs, dependencies). Changing it needs no redeploy.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Adaptive sampling's target for the worker's sampled items (events, traces, requests, dependencies); metrics are never sampled.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1000)]
    public int MaxItemsPerSecond { get; set; } = 20;
}
