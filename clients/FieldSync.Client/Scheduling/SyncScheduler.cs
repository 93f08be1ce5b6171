namespace FieldSync.Client.Scheduling;

/// <summary>
/// Starts syncs when they are due and allowed, as the seed says: "A sync is initiated only when the app is active and
/// the device is connected to the Internet", and one that started "can complete even if the app is in the background".
/// </summary>
/// <remarks>
/// <para>
/// Due times are per table: the server publishes each table's <c>nextDueAt</c> (its effective interval after its last
/// sync, the shortest of its own and its related tables'), moved onto the device's clock by the difference between the
/// two clocks measured at the last pull. The next sync starts when the first table is due; the server then serves the
/// tables that are due. Before each scheduled sync the health check runs: no answer in time is "Network or Service
/// Unavailable", and no sync starts until the check answers again (asked every
/// <see cref="SyncSchedulerOptions.HealthRecheckInterval"/>).
/// </para>
/// <para>
/// The user's choices (<see cref="UserSettings"/>) apply where the profile allows them: "Wi-Fi only" with
/// <c>allowWifiOnlySync</c>, the frequency (Auto, a longer interval, Manual) with <c>allowAdjustSyncFrequency</c>. The
/// choice is sent on every pull either way, so an admin sees it (and sees it flagged when the profile does not allow it).
/// </para>
/// <para>
/// Going inactive (<see cref="IsAppActive"/> false) stops new syncs only: a running one is never cancelled by it, and
/// <see cref="DisposeAsync"/> waits for it. The decisions run one at a time, off the caller's thread; the timer comes from
/// the <see cref="TimeProvider"/>, so tests move time without sleeping.
/// </para>
/// </remarks>
public sealed class SyncScheduler : IAsyncDisposable
{
    private readonly FieldSyncClient _client;
    private readonly INetworkMonitor _network;
    private readonly SyncSchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Task _evaluation = Task.CompletedTask;
    private bool _evaluationQueued;
    private Task? _running;
    private ITimer? _timer;
    private bool _started;
    private bool _disposed;
    private bool _active;
    private UserSyncSettings _settings = UserSyncSettings.Default;
    private DateTimeOffset? _lastStarted;
    private DateTimeOffset? _lastFailed;
    private DateTimeOffset? _lastHealthCheck;
    private TimeSpan _deviceAheadOfServer;
    private SyncHeldBack _heldBack = SyncHeldBack.Stopped;
    private DateTimeOffset? _nextSyncAt;
    private DeviceStatus? _status;

    /// <param name="client">The client whose store it syncs; the caller owns it and disposes it after the scheduler.</param>
    /// <param name="network">The platform's network state.</param>
    /// <param name="options">Pacing beyond the profile's intervals.</param>
    /// <param name="time">The clock and timers (a test's fake clock).</param>
    public SyncScheduler(FieldSyncClient client, INetworkMonitor network, SyncSchedulerOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(network);
        _options = options ?? new SyncSchedulerOptions();
        _options.Validate();
        _client = client;
        _network = network;
        _time = time ?? TimeProvider.System;
        _client.UserSettings ??= _settings;
        _settings = _client.UserSettings;
    }

    /// <summary>The Device Status page's data changed (network, service, sync in progress, pending uploads, errors, why no sync starts).</summary>
    public event EventHandler<DeviceStatus>? DeviceStatusChanged;

    /// <summary>
    /// The app says whether it is in the foreground (MAUI: the window's <c>Activated</c> / <c>Deactivated</c>). Only an
    /// active app starts syncs; setting it false lets a running sync finish.
    /// </summary>
    public bool IsAppActive
    {
        get
        {
            lock (_lock)
            {
                return _active;
            }
        }
        set
        {
            lock (_lock)
            {
                _active = value;
            }
            Kick();
        }
    }

    /// <summary>The user's Wi-Fi-only and frequency choices; also sent on every pull (<see cref="FieldSyncClient.UserSettings"/>).</summary>
    public UserSyncSettings UserSettings
    {
        get
        {
            lock (_lock)
            {
                return _settings;
            }
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            lock (_lock)
            {
                _settings = value;
            }
            _client.UserSettings = value;
            Kick();
        }
    }

    /// <summary>The last Device Status published; null before the first decision.</summary>
    public DeviceStatus? Status => Volatile.Read(ref _status);

    /// <summary>Starts deciding: now, and whenever the app's activity, the network, the settings or a due time change.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }
            _started = true;
        }
        _network.Changed += OnNetworkChanged;
        _client.StatusChanged += OnClientStatusChanged;
        _client.AvailabilityChanged += OnAvailabilityChanged;
        Kick();
    }

    /// <summary>
    /// "Check for updates": a sync of every table now (FORCED_SYNC), whatever the frequency (also Manual). Null when the
    /// network, "Wi-Fi only" or the health check holds it back (<see cref="Status"/> says which).
    /// </summary>
    public Task<SyncResult?> SyncNowAsync(CancellationToken cancellationToken = default) => UserSyncAsync(new SyncRequest { Force = true }, cancellationToken);

    /// <summary>A view's Refresh: those tables now (GRID_SYNC, the table refresh notification). Null when held back, as <see cref="SyncNowAsync"/>.</summary>
    public Task<SyncResult?> RefreshAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentOutOfRangeException.ThrowIfZero(tables.Count);
        return UserSyncAsync(new SyncRequest { Tables = tables }, cancellationToken);
    }

    /// <summary>When each table of the profile is next due, on the device's clock (a table never synced is due now).</summary>
    public async Task<IReadOnlyList<TableSchedule>> GetScheduleAsync(CancellationToken cancellationToken = default)
        => await ScheduleAsync(await _client.GetProfileAsync(cancellationToken), _time.GetUtcNow(), cancellationToken);

    /// <summary>Stops starting syncs and waits for a running one to finish (the background finish).</summary>
    public async ValueTask DisposeAsync()
    {
        Task evaluation;
        Task running;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            evaluation = _evaluation;
            running = _running ?? Task.CompletedTask;
        }
        _network.Changed -= OnNetworkChanged;
        _client.StatusChanged -= OnClientStatusChanged;
        _client.AvailabilityChanged -= OnAvailabilityChanged;
        await evaluation.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Test seam: completes once no decision is queued or running and no scheduled sync is running.</summary>
    internal async Task WhenIdleAsync()
    {
        while (true)
        {
            Task evaluation;
            Task running;
            lock (_lock)
            {
                evaluation = _evaluation;
                running = _running ?? Task.CompletedTask;
            }
            await evaluation.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            lock (_lock)
            {
                if (evaluation == _evaluation && _running is null && !_evaluationQueued)
                {
                    return;
                }
            }
        }
    }

    private void OnNetworkChanged(object? sender, NetworkKind e) => Kick();

    private void OnClientStatusChanged(object? sender, SyncStatus e) => Kick();

    private void OnAvailabilityChanged(object? sender, ServiceAvailability e) => Kick();

    /// <summary>Queues one decision after the running one (at most one waits: it will see everything that changed).</summary>
    private void Kick()
    {
        lock (_lock)
        {
            if (_disposed || !_started || _evaluationQueued)
            {
                return;
            }
            _evaluationQueued = true;
            _evaluation = AfterAsync(_evaluation);
        }
    }

    private async Task AfterAsync(Task previous)
    {
        // Yielding first: a Kick from a timer callback or an event handler returns at once.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        await EvaluateAsync();
    }

    private async Task EvaluateAsync()
    {
        lock (_lock)
        {
            _evaluationQueued = false;
        }
        SyncHeldBack heldBack;
        DateTimeOffset? wakeAt;
        try
        {
            (heldBack, wakeAt) = await DecideAsync();
        }
        catch (ObjectDisposedException)
        {
            // The app closed the store or the client: nothing more to schedule.
            (heldBack, wakeAt) = (SyncHeldBack.Stopped, null);
        }
        catch (Exception)
        {
            // A failed decision (the store busy, a bad stored profile) must not stop scheduling: it is tried again later.
            (heldBack, wakeAt) = (SyncHeldBack.Nothing, _time.GetUtcNow() + _options.RetryAfterFailure);
        }
        lock (_lock)
        {
            _heldBack = heldBack;
            _nextSyncAt = heldBack == SyncHeldBack.Nothing ? wakeAt : null;
            _timer?.Dispose();
            _timer = null;
            if (wakeAt is { } at && !_disposed)
            {
                var delay = at - _time.GetUtcNow();
                _timer = _time.CreateTimer(_ => Kick(), null, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
        await PublishAsync();
    }

    /// <summary>Why no sync starts now and when to decide again; or starts the scheduled sync.</summary>
    private async Task<(SyncHeldBack HeldBack, DateTimeOffset? WakeAt)> DecideAsync()
    {
        UserSyncSettings settings;
        lock (_lock)
        {
            if (!_started || _disposed)
            {
                return (SyncHeldBack.Stopped, null);
            }
            if (_running is not null)
            {
                // Its end decides again.
                return (SyncHeldBack.Nothing, null);
            }
            if (!_active)
            {
                return (SyncHeldBack.AppInactive, null);
            }
            settings = _settings;
        }
        var profile = await _client.GetProfileAsync();
        var (wifiOnly, frequency) = InForce(settings, profile);
        if (NetworkGate(wifiOnly) is not SyncHeldBack.Nothing and var gate)
        {
            return (gate, null);
        }
        var now = _time.GetUtcNow();
        var checkedHealth = false;
        if (_client.Availability != ServiceAvailability.Available)
        {
            // "Network or Service Unavailable" clears only when the check answers, due or not: at start (the app boots
            // offline until it has detected the network) and again every recheck interval while it does not answer.
            if (_lastHealthCheck is { } last && now < last + _options.HealthRecheckInterval)
            {
                return (SyncHeldBack.ServiceUnavailable, last + _options.HealthRecheckInterval);
            }
            if (!await HealthyAsync(now))
            {
                return (SyncHeldBack.ServiceUnavailable, now + _options.HealthRecheckInterval);
            }
            checkedHealth = true;
        }
        if (frequency == SyncFrequency.Manual)
        {
            return (SyncHeldBack.Manual, null);
        }
        var due = await NextDueAsync(profile, settings, frequency, now);
        if (due > now)
        {
            return (SyncHeldBack.Nothing, due);
        }
        if (!checkedHealth && !await HealthyAsync(now))
        {
            return (SyncHeldBack.ServiceUnavailable, now + _options.HealthRecheckInterval);
        }
        lock (_lock)
        {
            if (!_active || _disposed)
            {
                // The app went to the background while the health check ran: no sync starts in the background.
                return (_disposed ? SyncHeldBack.Stopped : SyncHeldBack.AppInactive, null);
            }
            _lastStarted = now;
            _running = RunScheduledAsync();
        }
        return (SyncHeldBack.Nothing, null);
    }

    private async Task<bool> HealthyAsync(DateTimeOffset now)
    {
        _lastHealthCheck = now;
        return (await _client.CheckHealthAsync()).IsAvailable;
    }

    /// <summary>
    /// The scheduled sync, never cancelled by the app going inactive. A failure is already in the client's status
    /// (<see cref="SyncStatus.LastSyncFailure"/>); here it only delays the next attempt.
    /// </summary>
    private async Task RunScheduledAsync()
    {
        await Task.Yield();
        try
        {
            Measure(await _client.SyncAsync(SyncRequest.Due, cancellationToken: CancellationToken.None));
        }
        catch (Exception)
        {
            // Already reported through the client's status (DeviceStatus.LastSyncFailure); here it only delays the next attempt.
            lock (_lock)
            {
                _lastFailed = _time.GetUtcNow();
            }
        }
        finally
        {
            lock (_lock)
            {
                _running = null;
            }
            Kick();
        }
    }

    private async Task<SyncResult?> UserSyncAsync(SyncRequest request, CancellationToken cancellationToken)
    {
        var (wifiOnly, _) = InForce(UserSettings, await _client.GetProfileAsync(cancellationToken));
        if (NetworkGate(wifiOnly) != SyncHeldBack.Nothing || !(await _client.CheckHealthAsync(cancellationToken)).IsAvailable)
        {
            Kick();
            return null;
        }
        lock (_lock)
        {
            _lastStarted = _time.GetUtcNow();
            _lastHealthCheck = _lastStarted;
        }
        try
        {
            var result = await _client.SyncAsync(request, cancellationToken: cancellationToken);
            Measure(result);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lock (_lock)
            {
                _lastFailed = _time.GetUtcNow();
            }
            throw;
        }
        finally
        {
            Kick();
        }
    }

    /// <summary>A sync ended well: the server's clock is read from its answer, and failures stop delaying.</summary>
    private void Measure(SyncResult result)
    {
        lock (_lock)
        {
            _lastFailed = null;
            if (result.ServerTime is { } server)
            {
                _deviceAheadOfServer = _time.GetUtcNow() - server;
            }
        }
    }

    /// <summary>The user's choices the profile allows; the others are sent to the server but not applied.</summary>
    private static (bool WifiOnly, SyncFrequency Frequency) InForce(UserSyncSettings settings, DeviceProfile? profile)
        => (settings.WifiOnly && profile?.AllowWifiOnlySync == true, profile?.AllowAdjustSyncFrequency == true ? settings.Frequency : SyncFrequency.Auto);

    private SyncHeldBack NetworkGate(bool wifiOnly) => _network.Current switch
    {
        NetworkKind.None => SyncHeldBack.NoNetwork,
        NetworkKind.Cellular when wifiOnly => SyncHeldBack.WaitingForWiFi,
        _ => SyncHeldBack.Nothing,
    };

    private async Task<DateTimeOffset> NextDueAsync(DeviceProfile? profile, UserSyncSettings settings, SyncFrequency frequency, DateTimeOffset now)
    {
        var status = await _client.GetStatusAsync();
        var schedule = Schedule(profile, now, status);
        // No finished first sync: the download starts (or goes on) now.
        var due = !status.HasSynced || schedule.Count == 0 ? now : schedule.Min(t => t.DueAt);
        DateTimeOffset? lastStarted, lastFailed;
        TimeSpan ahead;
        lock (_lock)
        {
            (lastStarted, lastFailed, ahead) = (_lastStarted, _lastFailed, _deviceAheadOfServer);
        }
        if (frequency == SyncFrequency.Interval && settings.IntervalMinutes is { } minutes && status.HasSynced)
        {
            // "A longer interval": never sooner than the user's interval since the last sync (after a restart, since
            // the last table was updated), and never sooner than the tables are due.
            var lastSync = lastStarted ?? status.Tables.Max(t => t.LastUpdated + ahead);
            if (lastSync is { } last)
            {
                due = Max(due, last + TimeSpan.FromMinutes(minutes));
            }
        }
        if (lastStarted is { } started)
        {
            due = Max(due, started + _options.MinimumGap);
        }
        if (lastFailed is { } failed)
        {
            due = Max(due, failed + _options.RetryAfterFailure);
        }
        return due;
    }

    private async Task<IReadOnlyList<TableSchedule>> ScheduleAsync(DeviceProfile? profile, DateTimeOffset now, CancellationToken cancellationToken)
        => Schedule(profile, now, await _client.GetStatusAsync(cancellationToken));

    private List<TableSchedule> Schedule(DeviceProfile? profile, DateTimeOffset now, SyncStatus status)
    {
        TimeSpan ahead;
        lock (_lock)
        {
            ahead = _deviceAheadOfServer;
        }
        var known = status.Tables.ToDictionary(t => t.Table, StringComparer.Ordinal);
        var tables = profile is { Tables.Count: > 0 } ? profile.Tables.Keys : known.Keys;
        var schedule = new List<TableSchedule>();
        foreach (var table in tables.Order(StringComparer.Ordinal))
        {
            TimeSpan? interval = profile?.Tables.TryGetValue(table, out var rule) == true ? rule.EffectiveSyncInterval : null;
            known.TryGetValue(table, out var seen);
            // The server's due time; without one, its last update plus the effective interval; never synced: now.
            var dueOnServer = seen?.NextDueAt ?? (seen?.LastUpdated + interval);
            schedule.Add(new TableSchedule(table, dueOnServer is { } d ? d + ahead : now, interval));
        }
        return schedule;
    }

    private async Task PublishAsync()
    {
        SyncStatus sync;
        try
        {
            sync = await _client.GetStatusAsync();
        }
        catch (ObjectDisposedException)
        {
            return;
        }
        DeviceStatus next;
        lock (_lock)
        {
            next = new DeviceStatus(_network.Current, _client.Availability, sync.SyncInProgress || _running is not null, sync.PendingUploads,
                sync.SyncErrors.Count, sync.LastSyncFailure?.Message, _heldBack, _nextSyncAt);
            if (next == _status)
            {
                return;
            }
            _status = next;
        }
        DeviceStatusChanged?.Invoke(this, next);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
