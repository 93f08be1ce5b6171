using System.IO.Compression;
using System.Net;
using System.Net.Sockets;

namespace FieldSync.Testing;

/// <summary>An HTTP server on a free loopback port that hands every request to one handler (test stand-ins for Azure endpoints).</summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<HttpListenerContext, Task> handle;

    public LoopbackHttpServer(Func<HttpListenerContext, Task> handle)
    {
        this.handle = handle;
        using (var socket = new TcpListener(IPAddress.Loopback, 0))
        {
            socket.Start();
            BaseAddress = $"http://127.0.0.1:{((IPEndPoint)socket.LocalEndpoint).Port}/";
        }
        listener.Prefixes.Add(BaseAddress);
        listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public string BaseAddress { get; }

    /// <summary>Writes a JSON answer and closes the response.</summary>
    public static async Task AnswerAsync(HttpListenerContext context, int status, string json)
    {
        ArgumentNullException.ThrowIfNull(context);
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                await handle(context);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException or InvalidDataException)
            {
                // The client went away mid-answer: nothing to do.
            }
        }
    }

    /// <summary>Stops answering, as an unreachable endpoint would.</summary>
    public void Stop() => listener.Stop();

    public void Dispose() => listener.Close();
}
