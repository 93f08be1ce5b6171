using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FieldSync.Storage;

/// <summary>
/// Counts storage transactions (HTTP requests to the Table and Queue services, retries included, which is
/// what the bill counts) by a short operation name such as "GET fsfeed" or "POST $batch". Exact and free of
/// timing noise, so benchmarks and tests can assert cost.
/// </summary>
public sealed class StorageTransactionCounter
{
    private readonly ConcurrentDictionary<string, long> byOperation = new(StringComparer.Ordinal);
    private long total;

    public long Total => Interlocked.Read(ref total);

    public IReadOnlyDictionary<string, long> ByOperation => new Dictionary<string, long>(byOperation, StringComparer.Ordinal);

    public void Reset()
    {
        Interlocked.Exchange(ref total, 0);
        byOperation.Clear();
    }

    internal void Count(Request request)
    {
        Interlocked.Increment(ref total);
        var path = request.Uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // Path: /<account>/<table or queue>(...)/...; Azurite puts the account in the path, Azure in the host.
        var resource = path.Length switch { 0 => "", 1 => path[0], _ => path[^1].StartsWith("messages", StringComparison.Ordinal) ? path[^2] : path[1] };
        var name = resource.Split('(')[0];
        byOperation.AddOrUpdate($"{request.Method} {name}", 1, (_, n) => n + 1);
    }

    /// <summary>The pipeline policy that feeds the counter; added per retry so every attempt counts.</summary>
    public HttpPipelinePolicy Policy => new CountingPolicy(this);

    private sealed class CountingPolicy(StorageTransactionCounter counter) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => counter.Count(message.Request);
    }
}
