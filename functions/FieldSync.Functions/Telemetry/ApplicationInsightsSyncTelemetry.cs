using FieldSync.Core.Telemetry;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.Extensions.Options;

namespace FieldSync.Functions.Telemetry;

/// <summary>
/// FieldSync's telemetry in Application Insights: events as <c>customEvents</c> (sampled, so queries count
/// <c>sum(itemCount)</c>) and metrics through <see cref="TelemetryClient.GetMetric(string)"/> (aggregated every minute, never
/// sampled). Nothing is sent while <c>FieldSync:Telemetry:Enabled</c> is false.
/// </summary>
public sealed class ApplicationInsightsSyncTelemetry(TelemetryClient client, IOptionsMonitor<TelemetryOptions> options) : ISyncTelemetry
{
    public void Track(TelemetryEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!options.CurrentValue.Enabled)
        {
            return;
        }
        var telemetry = new EventTelemetry(item.Name);
        foreach (var (name, value) in item.Dimensions)
        {
            telemetry.Properties[name] = value;
        }
        foreach (var (name, value) in item.Measurements)
        {
            telemetry.Metrics[name] = value;
        }
        if (item.UserId is not null)
        {
            telemetry.Context.User.Id = item.UserId;
            telemetry.Context.User.AuthenticatedUserId = item.UserId;
        }
        client.TrackEvent(telemetry);
    }

    public void Metric(string name, double value, params (string Dimension, string Value)[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (!options.CurrentValue.Enabled)
        {
            return;
        }
        // GetMetric keeps one aggregator per name and dimension names; the SDK takes up to 10 dimensions.
        switch (dimensions.Length)
        {
            case 0:
                client.GetMetric(name).TrackValue(value);
                break;
            case 1:
                client.GetMetric(name, dimensions[0].Dimension).TrackValue(value, dimensions[0].Value);
                break;
            case 2:
                client.GetMetric(name, dimensions[0].Dimension, dimensions[1].Dimension).TrackValue(value, dimensions[0].Value, dimensions[1].Value);
                break;
            default:
                throw new ArgumentException("FieldSync metrics have at most two dimensions.", nameof(dimensions));
        }
    }
}
