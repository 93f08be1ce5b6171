using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FieldSync.Storage.Tests;

/// <summary>
/// Answers the first <c>failures</c> "create table" requests (POST …/Tables) with a storage error instead of
/// sending them, as a transient outage would; counts every create-table request it sees.
/// </summary>
public sealed class FailFirstTableCreationPolicy(int failures) : HttpPipelineSynchronousPolicy
{
    private int seen;

    /// <summary>Create-table requests seen, the failed ones included.</summary>
    public int CreateRequests => Volatile.Read(ref seen);

    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = message.Request;
        if (request.Method != RequestMethod.Post || !request.Uri.Path.EndsWith("/Tables", StringComparison.Ordinal))
        {
            return;
        }
        if (Interlocked.Increment(ref seen) <= failures)
        {
            throw new RequestFailedException(503, "Injected: the table service is briefly unavailable.");
        }
    }
}
