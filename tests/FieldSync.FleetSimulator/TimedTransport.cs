using System.Diagnostics;
using System.Net;

namespace FieldSync.FleetSimulator;

/// <summary>
/// The transport a simulated device's <c>FieldSyncClient</c> sends through (its public <c>transport</c> seam): real
/// sockets on loopback with decompression, as the SDK's default, timing every pull and push request from the first
/// byte sent to the whole body received, and counting answers the SDK retries or fails on.
/// </summary>
internal sealed class TimedTransport(FleetMetrics metrics) : DelegatingHandler(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, UseCookies = false })
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        var recorder = request.Method == HttpMethod.Post && path.EndsWith("/sync/pull", StringComparison.Ordinal) ? metrics.Pull
            : request.Method == HttpMethod.Post && path.EndsWith("/sync/push", StringComparison.Ordinal) ? metrics.Push
            : null;
        var watch = Stopwatch.StartNew();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            // The body is part of the latency a device sees (a pull page can be large): buffer it before stopping the clock.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            metrics.CountTransportFailure(e);
            throw;
        }
        recorder?.Record(watch.Elapsed);
        metrics.CountAnswer(response.StatusCode);
        return response;
    }
}
