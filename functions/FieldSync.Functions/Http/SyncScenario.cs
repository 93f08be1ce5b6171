using System.Diagnostics;
using System.Text.RegularExpressions;
using FieldSync.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FieldSync.Functions.Http;

/// <summary>
/// One device request (a pull or a push) as telemetry reports it: a D365-style scenario end with its result, the
/// failure type of a problem answer, the sync id (the device's X-FieldSync-Sync-Id, else a new one, returned in the
/// same header), the duration, the storage transactions it cost and the bytes it answered with on the wire. The event
/// is sent once the answer is written; <paramref name="onEnd"/> adds what only the function knows.
/// </summary>
public sealed partial class SyncScenario
{
    private readonly ISyncTelemetry telemetry;
    private readonly Stopwatch stopwatch = Stopwatch.StartNew();
    private readonly OperationMeter meter = OperationMeter.Start();
    private readonly Activity? activity;
    private readonly Action<TelemetryEvent, SyncScenario>? onEnd;

    private SyncScenario(HttpRequest request, string eventName, ISyncTelemetry telemetry, Action<TelemetryEvent, SyncScenario>? onEnd)
    {
        this.telemetry = telemetry;
        this.onEnd = onEnd;
        activity = MessageTrace.StartIfNone(eventName);
        var sent = request.Headers[TelemetryNames.SyncIdHeader].ToString();
        SyncId = SyncIdPattern().IsMatch(sent) ? sent : Guid.NewGuid().ToString();
        request.HttpContext.Response.Headers[TelemetryNames.SyncIdHeader] = SyncId;
        Event = new TelemetryEvent(eventName)
            .Dimension(TelemetryNames.Dimensions.EventName, "ScenarioEnd")
            .Dimension(TelemetryNames.Dimensions.CurrentSyncId, SyncId);
    }

    public string SyncId { get; }

    /// <summary>The event being built; the function adds its dimensions and measurements.</summary>
    public TelemetryEvent Event { get; }

    public bool Succeeded { get; private set; }

    public double DurationMs => stopwatch.Elapsed.TotalMilliseconds;

    public long StorageTransactions => meter.StorageTransactions;

    public long ResponseBytes { get; private set; }

    public static SyncScenario Start(HttpRequest request, string eventName, ISyncTelemetry telemetry, Action<TelemetryEvent, SyncScenario>? onEnd = null)
        => new(request, eventName, telemetry, onEnd);

    /// <summary>Runs the function's work, and reports its answer (or the exception that becomes a 500) when it has been written.</summary>
    public async Task<IActionResult> RunAsync(Func<Task<IActionResult>> work)
    {
        try
        {
            return new ReportedResult(await work(), this);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            End(StatusCodes.Status500InternalServerError, "internal-error");
            throw;
        }
    }

    private void End(int status, string? slug)
    {
        Succeeded = status < 400;
        Event.Dimension(TelemetryNames.Dimensions.ScenarioResult, Succeeded ? TelemetryNames.ScenarioResults.Success : TelemetryNames.ScenarioResults.Failure);
        if (!Succeeded)
        {
            slug ??= status >= 500 ? "internal-error" : "validation";
            Event.Dimension(TelemetryNames.Dimensions.ErrorCode, slug).Dimension(TelemetryNames.Dimensions.FailureType, FailureTypeMap.For(slug));
        }
        Event.Measure(TelemetryNames.Measurements.DurationMs, DurationMs)
            .Measure(TelemetryNames.Measurements.StorageTransactions, StorageTransactions)
            .Measure(TelemetryNames.Measurements.ResponseSize, ResponseBytes);
        onEnd?.Invoke(Event, this);
        telemetry.Track(Event);
        activity?.Stop();
    }

    /// <summary>Device-chosen ids are echoed in telemetry and headers: short, and letters, digits, '.', '_' and '-' only.</summary>
    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SyncIdPattern();

    /// <summary>Writes the function's answer through a counting stream, then ends the scenario with what was sent.</summary>
    private sealed class ReportedResult(IActionResult inner, SyncScenario scenario) : IActionResult
    {
        public async Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            var original = response.Body;
            var counting = new CountingStream(original);
            response.Body = counting;
            var slug = (inner as JsonWriterResult)?.ProblemSlug;
            try
            {
                await inner.ExecuteResultAsync(context);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException)
            {
                scenario.ResponseBytes = counting.Written;
                scenario.End(499, "client-closed");
                throw;
            }
            finally
            {
                response.Body = original;
            }
            scenario.ResponseBytes = counting.Written;
            scenario.End(response.StatusCode, slug);
        }
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Written += count;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            Written += buffer.Length;
        }

        public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            await inner.WriteAsync(buffer.AsMemory(offset, count), cancellationToken);
            Written += count;
        }
    }
}
