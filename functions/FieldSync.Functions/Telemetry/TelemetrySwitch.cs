using FieldSync.Core.Telemetry;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FieldSync.Functions.Telemetry;

/// <summary>
/// Applies <c>FieldSync:Telemetry:Enabled</c> to the SDK itself (<see cref="TelemetryConfiguration.DisableTelemetry"/>),
/// at start and whenever the setting changes, so "off" silences everything the worker would send — FieldSync's events
/// and metrics, logs, dependencies — not only FieldSync's own items.
/// </summary>
public sealed class TelemetrySwitch(TelemetryConfiguration configuration, IOptionsMonitor<TelemetryOptions> options) : IHostedService, IDisposable
{
    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Apply(options.CurrentValue);
        subscription = options.OnChange(Apply);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Apply(TelemetryOptions value)
    {
        ArgumentNullException.ThrowIfNull(value);
        configuration.DisableTelemetry = !value.Enabled;
    }

    public void Dispose() => subscription?.Dispose();
}
