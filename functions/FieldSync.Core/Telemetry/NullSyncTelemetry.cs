namespace FieldSync.Core.Telemetry;

/// <summary>Telemetry that goes nowhere: the default where Application Insights is not configured.</summary>
public sealed class NullSyncTelemetry : ISyncTelemetry
{
    public static readonly NullSyncTelemetry Instance = new();

    public void Track(TelemetryEvent item)
    {
    }

    public void Metric(string name, double value, params (string Dimension, string Value)[] dimensions)
    {
    }
}
