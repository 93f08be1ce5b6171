using HdrHistogram;

namespace FieldSync.FleetSimulator;

/// <summary>
/// One latency measured across the fleet: a concurrent HdrHistogram in microseconds (1 µs to 1 hour, 3 significant
/// digits), so thousands of devices record into it without a lock and percentiles need no stored samples.
/// </summary>
internal sealed class LatencyRecorder
{
    private static readonly long Highest = (long)TimeSpan.FromHours(1).TotalMicroseconds;

    private readonly LongConcurrentHistogram histogram = new(1, Highest, 3);

    public void Record(TimeSpan elapsed) => histogram.RecordValue(Math.Clamp((long)elapsed.TotalMicroseconds, 1, Highest));

    public long Count => histogram.TotalCount;

    public LatencySummary Summarize()
    {
        if (histogram.TotalCount == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }
        static double Ms(double microseconds) => Math.Round(microseconds / 1000.0, 1);
        return new LatencySummary(histogram.TotalCount, Ms(histogram.GetValueAtPercentile(50)), Ms(histogram.GetValueAtPercentile(95)),
            Ms(histogram.GetValueAtPercentile(99)), Ms(histogram.GetMaxValue()), Ms(histogram.GetMean()));
    }
}
