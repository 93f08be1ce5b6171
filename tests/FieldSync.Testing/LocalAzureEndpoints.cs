using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;

namespace FieldSync.Testing;

/// <summary>A request one of the <see cref="LocalAzureEndpoints"/> received.</summary>
public sealed record CapturedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// Two Azure endpoints on loopback, for tests of what the app sends: an App Service managed-identity token endpoint
/// (what <c>IDENTITY_ENDPOINT</c>/<c>IDENTITY_HEADER</c> point Azure.Identity at on App Service and Functions), which
/// issues <see cref="AccessToken"/>; and an Application Insights ingestion endpoint (<c>/v2/track</c>, and
/// <c>/v2.1/track</c> for Entra-authenticated uploads) that accepts the SDK's gzip-compressed batches.
/// </summary>
public sealed class LocalAzureEndpoints : IDisposable
{
    private readonly LoopbackHttpServer server;
    private readonly ConcurrentQueue<CapturedRequest> received = new();
    private readonly SemaphoreSlim arrived = new(0);

    public LocalAzureEndpoints() => server = new LoopbackHttpServer(HandleAsync);

    public string BaseAddress => server.BaseAddress;

    /// <summary>IDENTITY_ENDPOINT for Azure.Identity's App Service managed-identity source.</summary>
    public string IdentityEndpoint => BaseAddress + "msi/token";

    /// <summary>IDENTITY_HEADER: the endpoint answers only requests that carry it, as App Service's does.</summary>
    public string IdentityHeader { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The token the identity endpoint issues.</summary>
    public string AccessToken { get; } = "local-mi-token-" + Guid.NewGuid().ToString("N");

    /// <summary>A connection string that sends telemetry here.</summary>
    public string TelemetryConnectionString(string instrumentationKey) => $"InstrumentationKey={instrumentationKey};IngestionEndpoint={BaseAddress}";

    public IReadOnlyList<CapturedRequest> Received => [.. received];

    /// <summary>Waits until a request matching <paramref name="match"/> has arrived, or <paramref name="timeout"/> passes.</summary>
    public async Task<CapturedRequest?> WaitForAsync(Func<CapturedRequest, bool> match, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            if (received.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await arrived.WaitAsync(left))
            {
                return received.FirstOrDefault(match);
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        Stream body = request.InputStream;
        if (string.Equals(request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }
        string text;
        using (var reader = new StreamReader(body, Encoding.UTF8))
        {
            text = await reader.ReadToEndAsync();
        }
        var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
        var captured = new CapturedRequest(request.HttpMethod, request.Url!.PathAndQuery, headers, text);
        received.Enqueue(captured);
        arrived.Release();

        var path = request.Url.AbsolutePath;
        string answer;
        var status = 200;
        if (path == "/msi/token")
        {
            if (request.Headers["X-IDENTITY-HEADER"] != IdentityHeader)
            {
                status = 400;
                answer = """{"error":"invalid_request","error_description":"X-IDENTITY-HEADER is missing or wrong"}""";
            }
            else
            {
                var query = System.Web.HttpUtility.ParseQueryString(request.Url.Query);
                answer = JsonSerializer.Serialize(new Dictionary<string, string?>
                {
                    ["access_token"] = AccessToken,
                    ["expires_on"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["resource"] = query["resource"],
                    ["token_type"] = "Bearer",
                    ["client_id"] = query["client_id"],
                });
            }
        }
        else if (path is "/v2/track" or "/v2.1/track")
        {
            var items = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            answer = $$"""{"itemsReceived":{{items}},"itemsAccepted":{{items}},"errors":[]}""";
        }
        else
        {
            status = 404;
            answer = "{}";
        }
        await LoopbackHttpServer.AnswerAsync(context, status, answer);
    }

    public void Dispose()
    {
        server.Dispose();
        arrived.Dispose();
    }
}
