namespace FieldSync.Core.Telemetry;

/// <summary>
/// Where sync telemetry goes. The function app sends it to Application Insights (events, and metrics that are never
/// sampled); without it, nowhere. Implementations send nothing while telemetry is switched off.
/// </summary>
public interface ISyncTelemetry
{
    void Track(TelemetryEvent item);

    /// <summary>Adds <paramref name="value"/> to the pre-aggregated metric <paramref name="name"/> (TelemetryNames.Metrics) for the given dimension values.</summary>
    void Metric(string name, double value, params (string Dimension, string Value)[] dimensions);
}
