using System.Net;
using System.Runtime.ExceptionServices;
using FieldSync.Client.Http;
using FieldSync.Client.Notifications;
using FieldSync.Client.Scheduling;
using FieldSync.Client.Storage;
using FieldSync.Client.Wire;
using Polly.Timeout;

namespace FieldSync.Client;

/// <summary>
/// Syncs a <see cref="LocalStore"/> with the FieldSync server: <see cref="SyncAsync"/> pushes the outbox, then pulls
/// until the server has nothing more, applying every page with its checkpoint in one local transaction. One sync
/// runs at a time; a second call waits for the first.
/// </summary>
/// <remarks>
/// Events (<see cref="Notification"/>, <see cref="StatusChanged"/>, <see cref="OfflineStatusChanged"/>,
/// <see cref="AvailabilityChanged"/>) are raised on the thread doing the work, never the UI thread: marshal in the
/// handler (MAUI's <c>MainThread.BeginInvokeOnMainThread</c>). A handler that throws fails the operation that raised it.
/// </remarks>
public sealed partial class FieldSyncClient : IDisposable
{
    private readonly FieldSyncClientOptions _options;
    private readonly HttpClient _http;
    private readonly SyncApi _api;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _syncGate = new(1, 1);
    private volatile bool _syncing;
    private DateTimeOffset? _lastCompleted;
    private Exception? _lastFailure;
    private UserSyncSettings? _userSettings;
    private int _availability = (int)ServiceAvailability.Unknown;

    /// <param name="options">Server, device id, token source, retry settings.</param>
    /// <param name="store">The offline database this client syncs; the caller owns and disposes it.</param>
    /// <param name="transport">The HTTP transport (default: sockets with gzip/brotli); a test can wrap one to drop answers. The caller owns one it passes.</param>
    /// <param name="time">The clock for backoff and status times.</param>
    public FieldSyncClient(FieldSyncClientOptions options, LocalStore store, HttpMessageHandler? transport = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        options.Validate();
        _options = options;
        Store = store;
        _time = time ?? TimeProvider.System;
        var address = options.ServerAddress.AbsoluteUri.EndsWith('/') ? options.ServerAddress : new Uri(options.ServerAddress.AbsoluteUri + "/");
        // Bandwidth is the technician's battery: pulls are asked for compressed.
        _http = new HttpClient(transport ?? new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
            disposeHandler: transport is null)
        {
            BaseAddress = address,
            // The per-attempt timeout of the retry pipeline governs; HttpClient's own would cut retries short.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _api = new SyncApi(_http, options, RetryPipeline.Create(options, _time));
        Store.OutboxChanged += OnOutboxChangedAsync;
    }

    /// <summary>The seed's three sync notifications: initial download (with progress), table refresh, large incremental sync.</summary>
    public event EventHandler<SyncNotification>? Notification;

    /// <summary>
    /// Device Status data changed: a sync started or ended, a page was applied, or the app queued a local change
    /// (pending uploads). Carries a fresh snapshot.
    /// </summary>
    public event EventHandler<SyncStatus>? StatusChanged;

    /// <summary>The Offline Status page: after each applied page, every table's last updated time, next due time and rows.</summary>
    public event EventHandler<IReadOnlyList<TableSyncStatus>>? OfflineStatusChanged;

    /// <summary>The health check or a request changed what is known about reaching the server ("Network or Service Unavailable").</summary>
    public event EventHandler<ServiceAvailability>? AvailabilityChanged;

    /// <summary>Whether the server answered the last health check or request in time.</summary>
    public ServiceAvailability Availability => (ServiceAvailability)Volatile.Read(ref _availability);

    /// <summary>
    /// The user's Wi-Fi-only and frequency choices, sent on every pull as <c>userSettings</c> so the server records them
    /// in the device record (an admin sees why the device has not synced); null sends none. The <see cref="SyncScheduler"/>
    /// sets it; it also enforces them.
    /// </summary>
    public UserSyncSettings? UserSettings
    {
        get => Volatile.Read(ref _userSettings);
        set
        {
            value?.Validate();
            Volatile.Write(ref _userSettings, value);
        }
    }

    /// <summary>The offline profile in force (the last one a pull carried); null before the first sync.</summary>
    public async Task<DeviceProfile?> GetProfileAsync(CancellationToken cancellationToken = default)
        => await Store.GetProfileJsonAsync(cancellationToken) is { } json ? DeviceProfile.Parse(json) : null;

    /// <summary>The offline database the app reads and writes.</summary>
    public LocalStore Store { get; }

    /// <summary>
    /// Pushes every change the outbox can send now, then pulls (due tables, or what <paramref name="request"/> asks)
    /// until <c>hasMore</c> is false, then asks for receipts of earlier batches whose outcomes have not arrived.
    /// A reset from the server, or a checkpoint of an older database, clears the database (unsent changes stay) and
    /// runs a first sync. A failure leaves every applied page applied and every unsent change queued: call again.
    /// </summary>
    /// <exception cref="FieldSyncApiException">The server refused a request after retries (401, 403, 409...).</exception>
    /// <exception cref="FieldSyncProtocolException">The server answered something the protocol does not allow; nothing of it was applied.</exception>
    public async Task<SyncResult> SyncAsync(SyncRequest? request = null, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        request ??= SyncRequest.Due;
        await _syncGate.WaitAsync(cancellationToken);
        var notifier = new SyncNotifier(n => Notification?.Invoke(this, n), request.Tables);
        var pull = new PullSummary();
        SyncResult? result = null;
        ExceptionDispatchInfo? failure = null;
        try
        {
            _syncing = true;
            var started = _time.GetUtcNow();
            await RaiseStatusChangedAsync(cancellationToken);
            notifier.Starting(firstSync: await Store.GetCheckpointAsync(cancellationToken) is null);
            var (batches, changes, pushErrors) = await PushAsync(cancellationToken);
            await PullAsync(request, pull, notifier, progress, cancellationToken);
            var receiptErrors = await SettleOlderBatchesAsync(started, cancellationToken);
            var snapshot = await Store.SnapshotAsync(cancellationToken);
            RepairResult? repair = null;
            if (snapshot.IntegrityMismatches.Count > 0 && _options.RepairIntegrityMismatches)
            {
                // The pull's figures say some table differs from the server: repair it now, without downloading it again.
                repair = await RepairAndRecheckAsync(cancellationToken);
                snapshot = await Store.SnapshotAsync(cancellationToken);
            }
            _lastCompleted = _time.GetUtcNow();
            _lastFailure = null;
            SetAvailability(ServiceAvailability.Available);
            result = new SyncResult(batches, changes, pull.Modes, pull.Pages, pull.Received, pull.Removed, pull.ResetReason,
                pushErrors + pull.Errors + receiptErrors, snapshot.IntegrityMismatches) { ServerTime = pull.ServerTime, Repair = repair };
        }
        catch (Exception e)
        {
            if (e is not OperationCanceledException)
            {
                _lastFailure = e;
                _lastCompleted = null;
                if (IsUnreachable(e))
                {
                    SetAvailability(ServiceAvailability.Unavailable);
                }
            }
            failure = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            _syncing = false;
            _syncGate.Release();
        }
        // The end is shown whether the sync succeeded or not: the sync icon must stop spinning either way.
        notifier.Ended(result is not null, pull.Received);
        await RaiseStatusChangedAsync(CancellationToken.None);
        failure?.Throw();
        return result!;
    }

    /// <summary>The Offline Status / Device Status snapshot.</summary>
    public async Task<SyncStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var snapshot = await Store.SnapshotAsync(cancellationToken);
        return new SyncStatus(_syncing || snapshot.FirstSyncInProgress, snapshot.HasSynced, snapshot.LastSyncMode, snapshot.ProfileId, _lastCompleted, _lastFailure,
            snapshot.PendingUploads, snapshot.UnsentChanges, snapshot.Tables, snapshot.SyncErrors, snapshot.IntegrityMismatches);
    }

    /// <summary>
    /// The seed's reset: clears the offline database so the next sync is a first sync. Waits for a running sync.
    /// Refuses with <see cref="UnsentChangesException"/> while changes have not reached the server, unless
    /// <paramref name="options"/> says the user confirmed losing them.
    /// </summary>
    public async Task ResetAsync(ResetOptions options = ResetOptions.None, CancellationToken cancellationToken = default)
    {
        await _syncGate.WaitAsync(cancellationToken);
        try
        {
            await Store.ResetAsync(options, cancellationToken);
        }
        finally
        {
            _syncGate.Release();
        }
    }

    public void Dispose()
    {
        Store.OutboxChanged -= OnOutboxChangedAsync;
        _http.Dispose();
        _syncGate.Dispose();
    }

    private async Task<(int Batches, int Changes, int Errors)> PushAsync(CancellationToken cancellationToken)
    {
        int batches = 0, changes = 0, errors = 0;
        var renumbered = false;
        while (await Store.PrepareBatchAsync(_options.DeviceId, _options.MaxChangesPerBatch, cancellationToken) is { } batch)
        {
            PushAnswer answer;
            try
            {
                answer = await _api.PushAsync(batch.Body, cancellationToken);
            }
            catch (FieldSyncApiException e) when (e.ProblemSlug == "sequence-not-increasing" && !renumbered)
            {
                // The server has accepted a higher sequence from this device id than this database knows (a restored
                // backup, a copied database). The batch was not accepted (a re-sent one would answer its receipt),
                // so its changes are numbered again above the server's, once per sync.
                renumbered = true;
                await Store.RenumberBatchAsync(batch, await _api.LastAcceptedSequenceAsync(cancellationToken) ?? 0, cancellationToken);
                continue;
            }
            if (answer.Refused is { } refused)
            {
                errors += await Store.RefuseBatchAsync(batch, refused, cancellationToken);
                continue;
            }
            var receipt = answer.Receipt!;
            if (receipt.BatchId != batch.BatchId || receipt.Sequence != batch.Sequence)
            {
                throw new FieldSyncProtocolException($"Pushing batch {batch.BatchId} (sequence {batch.Sequence}) answered the receipt of {receipt.BatchId} (sequence {receipt.Sequence}).");
            }
            await Store.MarkBatchAcceptedAsync(batch, cancellationToken);
            // A re-sent batch the server already processed answers its final receipt at once.
            errors += await Store.SettleReceiptAsync(receipt, cancellationToken);
            batches++;
            changes += batch.Changes;
        }
        return (batches, changes, errors);
    }

    private async Task PullAsync(SyncRequest request, PullSummary summary, SyncNotifier notifier, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var checkpoint = await Store.GetCheckpointAsync(cancellationToken);
        for (var attempt = 0; attempt < _options.MaxPagesPerSync; attempt++)
        {
            PullResponseBody response;
            try
            {
                response = await _api.PullAsync(new PullRequestBody
                {
                    DeviceId = _options.DeviceId,
                    Checkpoint = checkpoint,
                    Tables = request.Tables,
                    Force = request.Force ? true : null,
                    PageSize = _options.PageSize,
                    PushedSequence = await Store.PushedSequenceAsync(cancellationToken),
                    UserSettings = UserSettings?.ToWire(),
                }, cancellationToken);
            }
            catch (FieldSyncApiException e) when (checkpoint is not null && e.ProblemSlug is "checkpoint-superseded" or "invalid-checkpoint")
            {
                // The protocol: clear the database and pull without a checkpoint. The first page clears it, in its own transaction.
                summary.ResetReason ??= e.ProblemSlug == "checkpoint-superseded" ? "superseded" : "invalid-checkpoint";
                checkpoint = null;
                continue;
            }
            var page = PulledPage.From(response);
            var applied = await Store.ApplyPullAsync(page, sentCheckpoint: checkpoint is not null, cancellationToken);
            checkpoint = page.Checkpoint;
            summary.Add(page, applied);
            progress?.Report(new SyncProgress(page.SyncMode, summary.Pages, summary.Received, page.Pending, page.IsLarge));
            notifier.Applied(page, summary.Received);
            if (OfflineStatusChanged is { } offline)
            {
                offline(this, (await Store.SnapshotAsync(cancellationToken)).Tables);
            }
            if (!page.HasMore)
            {
                return;
            }
        }
        throw new FieldSyncProtocolException($"The server still had more after {_options.MaxPagesPerSync} pages; the applied pages are kept and the next sync continues.");
    }

    /// <summary>Outcomes travel once on a pull; if that answer was lost, the receipt still has them.</summary>
    private async Task<int> SettleOlderBatchesAsync(DateTimeOffset syncStarted, CancellationToken cancellationToken)
    {
        var errors = 0;
        foreach (var batchId in await Store.UnresolvedBatchesAsync(syncStarted, cancellationToken))
        {
            if (await _api.GetReceiptAsync(batchId, cancellationToken) is { } receipt && receipt.BatchId == batchId)
            {
                errors += await Store.SettleReceiptAsync(receipt, cancellationToken);
            }
        }
        return errors;
    }

    /// <summary>
    /// One attempt within <paramref name="timeout"/> on the client's clock (so a test's fake clock decides when "too
    /// long" is). A server that cannot be reached is returned as the reason; anything else (a refusal, a bad answer) is thrown.
    /// </summary>
    private async Task<(T Value, string? Unreachable)> AttemptAsync<T>(TimeSpan timeout, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return (await attempt(linked.Token), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (default!, $"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (IsUnreachable(e))
        {
            return (default!, e.Message);
        }
    }

    /// <summary>A failure that says the server could not be reached (no connection, no answer in time), not that it refused.</summary>
    private static bool IsUnreachable(Exception e) => e is HttpRequestException or TimeoutRejectedException or IOException
        || (e is FieldSyncApiException { Status: HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout });

    private void SetAvailability(ServiceAvailability availability)
    {
        if (Interlocked.Exchange(ref _availability, (int)availability) != (int)availability)
        {
            AvailabilityChanged?.Invoke(this, availability);
        }
    }

    private Task OnOutboxChangedAsync() => RaiseStatusChangedAsync(CancellationToken.None);

    private async Task RaiseStatusChangedAsync(CancellationToken cancellationToken)
    {
        if (StatusChanged is { } changed)
        {
            changed(this, await GetStatusAsync(cancellationToken));
        }
    }
}
