using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FieldSync.Client.Storage;
using FieldSync.Client.Wire;
using Polly;

namespace FieldSync.Client.Http;

/// <summary>The sync endpoints over HTTP: a fresh request per attempt (a sent request cannot be sent again), a token per attempt, typed answers.</summary>
internal sealed class SyncApi(HttpClient http, FieldSyncClientOptions options, ResiliencePipeline<HttpResponseMessage> pipeline)
{
    public const string AppVersionHeader = "X-FieldSync-App-Version";
    public const string PlatformHeader = "X-FieldSync-Platform";
    private const string ProblemPrefix = "urn:fieldsync:problem:";

    public async Task<PullResponseBody> PullAsync(PullRequestBody body, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(body, WireJsonContext.Default.PullRequestBody);
        using var response = await SendAsync(() => Post("api/sync/pull", json), cancellationToken);
        await ThrowIfProblemAsync(response, cancellationToken);
        return await ReadAsync(response, WireJsonContext.Default.PullResponseBody, cancellationToken);
    }

    /// <summary>One verify page of a full delta sync.</summary>
    public async Task<VerifyResponseBody> VerifyAsync(VerifyRequestBody body, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(body, WireJsonContext.Default.VerifyRequestBody);
        using var response = await SendAsync(() => Post("api/sync/verify", json), cancellationToken);
        await ThrowIfProblemAsync(response, cancellationToken);
        return await ReadAsync(response, WireJsonContext.Default.VerifyResponseBody, cancellationToken);
    }

    /// <summary>Rows a full delta sync still lacks, by id.</summary>
    public async Task<FetchResponseBody> FetchAsync(FetchRequestBody body, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(body, WireJsonContext.Default.FetchRequestBody);
        using var response = await SendAsync(() => Post("api/sync/fetch", json), cancellationToken);
        await ThrowIfProblemAsync(response, cancellationToken);
        return await ReadAsync(response, WireJsonContext.Default.FetchResponseBody, cancellationToken);
    }

    /// <summary>Sends a stored batch verbatim: a retry, or the next sync after a lost answer, sends exactly the same bytes.</summary>
    public async Task<PushAnswer> PushAsync(string storedBody, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Post("api/sync/push", storedBody), cancellationToken);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            return new PushAnswer(null, await ProblemAsync(response, cancellationToken));
        }
        await ThrowIfProblemAsync(response, cancellationToken);
        return new PushAnswer(await ReadAsync(response, WireJsonContext.Default.PushReceiptBody, cancellationToken), null);
    }

    /// <summary>The batch's receipt, or null when the server does not know the batch.</summary>
    public async Task<PushReceiptBody?> GetReceiptAsync(string batchId, CancellationToken cancellationToken)
    {
        var uri = $"api/sync/push/{Uri.EscapeDataString(batchId)}?deviceId={Uri.EscapeDataString(options.DeviceId)}";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(uri, UriKind.Relative)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        await ThrowIfProblemAsync(response, cancellationToken);
        return await ReadAsync(response, WireJsonContext.Default.PushReceiptBody, cancellationToken);
    }

    /// <summary>The highest batch sequence the server accepted from this device (null: none).</summary>
    public async Task<long?> LastAcceptedSequenceAsync(CancellationToken cancellationToken)
    {
        var uri = $"api/sync/status?deviceId={Uri.EscapeDataString(options.DeviceId)}";
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(uri, UriKind.Relative)), cancellationToken);
        await ThrowIfProblemAsync(response, cancellationToken);
        return (await ReadAsync(response, WireJsonContext.Default.DeviceStatusBody, cancellationToken)).LastPush?.Sequence;
    }

    private static HttpRequestMessage Post(string path, string json)
        => new(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    /// <summary>
    /// The network check: anonymous, one attempt, no retries (a slow answer is the answer). Throws
    /// <see cref="HttpRequestException"/> or <see cref="OperationCanceledException"/> as the transport does; an answer
    /// that is not "Healthy" is returned as its problem.
    /// </summary>
    public async Task<string?> HealthProblemAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/health", UriKind.Relative));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return $"the health check answered {(int)response.StatusCode}";
        }
        try
        {
            var body = await ReadAsync(response, WireJsonContext.Default.HealthBody, cancellationToken);
            return body.Status == "Healthy" ? null : $"the health check answered status '{body.Status}'";
        }
        catch (FieldSyncProtocolException e)
        {
            return e.Message;
        }
    }

    /// <summary>One live record, or null for "Record Not Found". One attempt: the user is waiting, and offline is the fallback.</summary>
    public async Task<PulledRow?> GetOnlineAsync(string table, string id, CancellationToken cancellationToken)
    {
        var uri = $"api/online/{Uri.EscapeDataString(table)}/{Uri.EscapeDataString(id)}";
        using var response = await SendOnceAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(uri, UriKind.Relative)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && (await ProblemAsync(response, cancellationToken)) is { ProblemSlug: "record-not-found" })
        {
            return null;
        }
        await ThrowIfProblemAsync(response, cancellationToken);
        var row = PulledRow.Read(table, await ReadAsync(response, WireJsonContext.Default.JsonElement, cancellationToken));
        return row.Id == id ? row : throw new FieldSyncProtocolException($"Reading {table} {id} online answered the record {row.Id}.");
    }

    /// <summary>One page of live rows. One attempt, as <see cref="GetOnlineAsync"/>.</summary>
    public async Task<(IReadOnlyList<PulledRow> Rows, string? Continuation)> QueryOnlineAsync(string table, string query, CancellationToken cancellationToken)
    {
        var uri = $"api/online/{Uri.EscapeDataString(table)}{query}";
        using var response = await SendOnceAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(uri, UriKind.Relative)), cancellationToken);
        await ThrowIfProblemAsync(response, cancellationToken);
        var page = await ReadAsync(response, WireJsonContext.Default.OnlinePageBody, cancellationToken);
        if (page.Value is null)
        {
            throw new FieldSyncProtocolException($"The online query of {table} answered no 'value' list.");
        }
        return ([.. page.Value.Select(row => PulledRow.Read(table, row))], string.IsNullOrEmpty(page.Continuation) ? null : page.Continuation);
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
        => await pipeline.ExecuteAsync(token => SendOnceAsync(create, token), cancellationToken);

    private async ValueTask<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        using var request = create();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await options.AccessToken(cancellationToken));
        if (options.AppVersion is not null)
        {
            request.Headers.TryAddWithoutValidation(AppVersionHeader, options.AppVersion);
        }
        if (options.Platform is not null)
        {
            request.Headers.TryAddWithoutValidation(PlatformHeader, options.Platform);
        }
        // The whole body is read inside the attempt, so a connection lost mid-body is retried like any other failure.
        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken)
                ?? throw new FieldSyncProtocolException($"{response.RequestMessage?.RequestUri} answered JSON null.");
        }
        catch (JsonException e)
        {
            throw new FieldSyncProtocolException($"{response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} with a body that is not the expected JSON: {e.Message}", e);
        }
    }

    private static async Task ThrowIfProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemAsync(response, cancellationToken);
        }
    }

    private static async Task<FieldSyncApiException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ProblemBody? problem = null;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            problem = text.Length == 0 ? null : JsonSerializer.Deserialize(text, WireJsonContext.Default.ProblemBody);
        }
        catch (JsonException)
        {
            // Not problem details (a proxy's error page): the status alone is reported.
        }
        var slug = problem?.Type is { } type && type.StartsWith(ProblemPrefix, StringComparison.Ordinal) ? type[ProblemPrefix.Length..] : null;
        var errors = problem?.Errors?.Select(e => new ApiFieldError(e.Field ?? "", e.Message ?? "")).ToList() ?? [];
        return new FieldSyncApiException(response.StatusCode, slug, problem?.Title, problem?.Detail ?? (problem is null && text.Length > 0 ? text[..Math.Min(text.Length, 500)] : null), errors);
    }
}
