using System.Collections.Concurrent;

namespace FieldSync.Client.Tests;

/// <summary>
/// The sockets transport with a recorder in front: every push body as sent, and optionally the answer to the first
/// push dropped after the server handled it (a connection lost on the way back).
/// </summary>
internal sealed class RecordingTransport(bool dropFirstPushAnswer = false) : DelegatingHandler(ClientHostFixture.Sockets())
{
    private int _dropped;

    public ConcurrentQueue<string> PushBodies { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isPush = request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/api/sync/push", StringComparison.Ordinal);
        if (isPush)
        {
            PushBodies.Enqueue(await request.Content!.ReadAsStringAsync(cancellationToken));
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (isPush && dropFirstPushAnswer && Interlocked.Exchange(ref _dropped, 1) == 0)
        {
            response.Dispose();
            throw new HttpRequestException("The connection was reset after the server answered (simulated).");
        }
        return response;
    }
}
