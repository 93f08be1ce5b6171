namespace FieldSync.FleetSimulator;

/// <summary>Percentiles of one latency, in milliseconds (HdrHistogram, 3 significant digits).</summary>
internal sealed record LatencySummary(long Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs);
