using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FieldSync.Sync.Tests;

/// <summary>
/// Thrown by <see cref="FaultInjectionPolicy"/> instead of sending a storage request: the process died there.
/// The Azure SDK does not retry it (it is neither an I/O error nor a failed response).
/// </summary>
public sealed class InjectedCrashException : Exception
{
    public InjectedCrashException()
    {
    }

    public InjectedCrashException(string message)
        : base(message)
    {
    }

    public InjectedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>One storage request as the policy saw it while armed.</summary>
/// <param name="Number">Requests since the policy was armed, retries included (what the transaction counter counts).</param>
/// <param name="LaneNumber">Requests of the same <see cref="Lane"/> since armed.</param>
/// <param name="Retry">0 for the first attempt of a call, then 1, 2, … for the SDK's retries of it.</param>
/// <param name="Lane">The <see cref="FaultInjectionPolicy.Lane"/> of the caller (which worker made the call), if set.</param>
/// <param name="Target">The path without the account, e.g. <c>fsinbox(PartitionKey='d',RowKey='head')</c>; a table
/// transaction lists its operations: <c>$batch[PUT fsrecords(…); PUT fsrecords(…)]</c>.</param>
/// <param name="Fault">What the policy did instead of (or before) sending: crash, 503, 429, pause; null when sent as is.</param>
public sealed record StorageCall(int Number, int LaneNumber, int Retry, string? Lane, string Method, string Target, string? Fault)
{
    public override string ToString()
        => $"#{Number} {Method} {Target}{(Retry > 0 ? $" (retry {Retry})" : "")}{(Lane is null ? "" : $" [{Lane}]")}{(Fault is null ? "" : $" <{Fault}>")}";
}

/// <summary>
/// An Azure SDK pipeline policy for the Table and Queue clients (registered as a per-retry
/// <c>StoragePipelinePolicy</c>, so every attempt passes through it) that injects storage faults. Thread-safe.
/// Armed with one plan at a time, counting requests from when it was armed:
/// <list type="bullet">
/// <item><see cref="CrashAt"/> / <see cref="CrashWhen"/>: the chosen request is not sent and
/// <see cref="InjectedCrashException"/> is thrown; the process is dead from then on, so every later request throws
/// too (a crash the code swallows cannot let it carry on) until <see cref="Disarm"/>.</item>
/// <item><see cref="Throttle(int, int)"/>: every n-th call (of each lane) is answered, once, with a synthetic 503 or
/// 429 (Retry-After: 0) without being sent; the SDK's retry policy retries it, and the retry is sent.</item>
/// <item><see cref="PauseAt"/>: the k-th request of one lane waits (unsent) until released: a slow worker.</item>
/// <item><see cref="Record"/>: nothing injected, requests are only logged.</item>
/// </list>
/// </summary>
public sealed partial class FaultInjectionPolicy : HttpPipelinePolicy
{
    private static readonly AsyncLocal<string?> CurrentLane = new();

    private readonly Lock sync = new();
    private readonly List<StorageCall> calls = [];
    private readonly Dictionary<string, int> laneCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> laneFirstAttempts = new(StringComparer.Ordinal);
    private Plan? plan;
    private int requests;
    private StorageCall? crashedAt;

    /// <summary>Names the worker the current async flow belongs to (set it inside the task that calls storage).</summary>
    public static string? Lane
    {
        get => CurrentLane.Value;
        set => CurrentLane.Value = value;
    }

    /// <summary>The request the armed crash replaced, once it happened.</summary>
    public StorageCall? CrashedAt
    {
        get
        {
            lock (sync)
            {
                return crashedAt;
            }
        }
    }

    /// <summary>The requests seen since armed, in order.</summary>
    public IReadOnlyList<StorageCall> Calls
    {
        get
        {
            lock (sync)
            {
                return [.. calls];
            }
        }
    }

    /// <summary>Logs requests, injects nothing.</summary>
    public void Record() => Arm(new Plan(null, null, 0, null, null, null));

    /// <summary>Crashes instead of sending the <paramref name="k"/>-th request from now (1-based, retries count).</summary>
    public void CrashAt(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        CrashWhen(call => call.Number == k);
    }

    /// <summary>Crashes instead of sending the first request that matches.</summary>
    public void CrashWhen(Func<StorageCall, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        Arm(new Plan(predicate, null, 0, null, null, null));
    }

    /// <summary>Answers every <paramref name="every"/>-th call (first attempts only) with <paramref name="status"/>, once.</summary>
    public void Throttle(int status, int every)
    {
        if (status is not (429 or 503))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "Throttle with 429 or 503.");
        }
        Throttle(every, _ => status);
    }

    /// <summary>
    /// Answers every <paramref name="every"/>-th call of each lane (first attempts only, counted per lane) with the
    /// lane's status (429 or 503; null leaves the lane alone), once.
    /// </summary>
    public void Throttle(int every, Func<string?, int?> statusOfLane)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        ArgumentNullException.ThrowIfNull(statusOfLane);
        Arm(new Plan(null, statusOfLane, every, null, null, null));
    }

    /// <summary>
    /// Holds the <paramref name="k"/>-th request of <paramref name="lane"/> (unsent) until <paramref name="release"/>
    /// completes. The returned task completes with that request when it is reached.
    /// </summary>
    public Task<StorageCall> PauseAt(string lane, int k, Task release)
    {
        ArgumentNullException.ThrowIfNull(lane);
        ArgumentNullException.ThrowIfNull(release);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return PauseWhen(call => call.Lane == lane && call.LaneNumber == k, release);
    }

    /// <summary>
    /// Holds the first request that matches (unsent) until <paramref name="release"/> completes. The returned task
    /// completes with that request when it is reached.
    /// </summary>
    public Task<StorageCall> PauseWhen(Func<StorageCall, bool> predicate, Task release)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(release);
        var reached = new TaskCompletionSource<StorageCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        Arm(new Plan(null, null, 0, predicate, release, reached));
        return reached.Task;
    }

    /// <summary>Stops injecting; returns what was seen while armed.</summary>
    public IReadOnlyList<StorageCall> Disarm()
    {
        lock (sync)
        {
            var seen = calls.ToList();
            plan = null;
            return seen;
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var (call, release) = Decide(message);
        if (Answered(call, message))
        {
            return;
        }
        if (release is not null)
        {
            await release.WaitAsync(message.CancellationToken).ConfigureAwait(false);
        }
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var (call, release) = Decide(message);
        if (Answered(call, message))
        {
            return;
        }
        release?.Wait(message.CancellationToken);
        ProcessNext(message, pipeline);
    }

    /// <summary>Carries out a crash (throws) or a throttling answer (true: the request is not sent).</summary>
    private static bool Answered(StorageCall? call, HttpMessage message)
    {
        if (call?.Fault is "crash")
        {
            throw new InjectedCrashException($"Injected crash instead of storage call {call}.");
        }
        if (call?.Fault is "503" or "429")
        {
            message.Response = new ThrottledResponse(call.Fault == "503" ? 503 : 429, message.Request.ClientRequestId);
            return true;
        }
        return false;
    }

    private void Arm(Plan next)
    {
        lock (sync)
        {
            plan = next;
            calls.Clear();
            laneCounts.Clear();
            laneFirstAttempts.Clear();
            requests = 0;
            crashedAt = null;
        }
    }

    private (StorageCall? Call, Task? Release) Decide(HttpMessage message)
    {
        lock (sync)
        {
            if (plan is null)
            {
                return (null, null);
            }
            var lane = Lane;
            var retry = message.ProcessingContext.RetryNumber;
            requests++;
            var laneKey = lane ?? "";
            var laneNumber = laneCounts[laneKey] = laneCounts.GetValueOrDefault(laneKey) + 1;
            var laneCall = retry == 0 ? laneFirstAttempts[laneKey] = laneFirstAttempts.GetValueOrDefault(laneKey) + 1 : 0;
            var call = new StorageCall(requests, laneNumber, retry, lane, message.Request.Method.ToString(), Describe(message.Request), null);
            Task? release = null;
            if (crashedAt is not null || (plan.Crash is not null && plan.Crash(call)))
            {
                call = call with { Fault = "crash" };
                crashedAt ??= call;
            }
            else if (plan.ThrottleEvery > 0 && retry == 0 && laneCall % plan.ThrottleEvery == 0 && plan.ThrottleStatus!(lane) is int status)
            {
                if (status is not (429 or 503))
                {
                    throw new InvalidOperationException($"Throttle with 429 or 503, not {status}.");
                }
                call = call with { Fault = status.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
            else if (plan.Pause is not null && !plan.Reached!.Task.IsCompleted && plan.Pause(call))
            {
                call = call with { Fault = "pause" };
                release = plan.Release;
                plan.Reached!.TrySetResult(call);
            }
            calls.Add(call);
            return (call, release);
        }
    }

    /// <summary>The path without the account (Azurite puts it first); a transaction's operations from its body.</summary>
    private static string Describe(Request request)
    {
        var path = Uri.UnescapeDataString(request.Uri.Path);
        var segments = path.Split('/', 3, StringSplitOptions.RemoveEmptyEntries);
        var target = segments.Length >= 2 && segments[0] == "devstoreaccount1" ? path[(path.IndexOf('/', 1) + 1)..] : path.TrimStart('/');
        if (!target.EndsWith("$batch", StringComparison.Ordinal) || request.Content is null)
        {
            var filter = request.Uri.Query.TrimStart('?').Split('&').FirstOrDefault(p => p.StartsWith("$filter=", StringComparison.Ordinal));
            return filter is null ? target : $"{target} where {Uri.UnescapeDataString(filter["$filter=".Length..])}";
        }
        using var body = new MemoryStream();
        request.Content.WriteTo(body, CancellationToken.None);
        var operations = BatchOperation().Matches(Encoding.UTF8.GetString(body.ToArray()))
            .Select(m => $"{m.Groups["method"].Value} {Uri.UnescapeDataString(m.Groups["target"].Value)}");
        return $"{target}[{string.Join("; ", operations)}]";
    }

    [GeneratedRegex(@"^(?<method>GET|PUT|POST|PATCH|MERGE|DELETE) https?://[^/\s]+/(?:devstoreaccount1/)?(?<target>[^\s?]+)\S* HTTP/1\.1", RegexOptions.Multiline)]
    private static partial Regex BatchOperation();

    private sealed record Plan(Func<StorageCall, bool>? Crash, Func<string?, int?>? ThrottleStatus, int ThrottleEvery, Func<StorageCall, bool>? Pause, Task? Release,
        TaskCompletionSource<StorageCall>? Reached);

    /// <summary>A throttling answer made up without calling the service: status, Retry-After: 0, no body.</summary>
    private sealed class ThrottledResponse(int status, string clientRequestId) : Response
    {
        private readonly Dictionary<string, string> headers = new(StringComparer.OrdinalIgnoreCase)
        {
            ["Retry-After"] = "0",
            ["Content-Length"] = "0",
            ["x-ms-request-id"] = Guid.NewGuid().ToString(),
            ["x-ms-error-code"] = status == 503 ? "ServerBusy" : "TooManyRequests",
        };

        public override int Status => status;

        // The transport sets this from the classifier; a response made up before the transport must say so itself,
        // or the retry policy takes it for a success.
        public override bool IsError => true;

        public override string ReasonPhrase => status == 503 ? "Service Unavailable" : "Too Many Requests";

        public override Stream? ContentStream { get; set; } = new MemoryStream();

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose()
        {
            ContentStream?.Dispose();
            GC.SuppressFinalize(this);
        }

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => headers.TryGetValue(name, out value);

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = headers.TryGetValue(name, out var value) ? [value] : null;
            return values is not null;
        }

        protected override bool ContainsHeader(string name) => headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => headers.Select(h => new HttpHeader(h.Key, h.Value));
    }
}
