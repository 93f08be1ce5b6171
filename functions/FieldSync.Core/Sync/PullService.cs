using FieldSync.Core.Devices;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;

namespace FieldSync.Core.Sync;

/// <summary>The device-visible sync modes, named as in Dynamics 365 mobile telemetry.</summary>
public static class SyncModes
{
    public const string FirstSync = "FIRST_SYNC";
    public const string DeltaSync = "DELTA_SYNC";
    public const string GridSync = "GRID_SYNC";
    public const string ForcedSync = "FORCED_SYNC";
}

/// <param name="PushedSequence">The highest batch sequence the device has pushed; outcomes up to it are returned once processed.</param>
public sealed record PullRequest(string DeviceId, string? Checkpoint, IReadOnlyList<string>? Tables, bool Force, int PageSize, long PushedSequence = 0)
{
    /// <summary>The <c>X-FieldSync-App-Version</c> header (validated by the caller), recorded when it changes.</summary>
    public string? AppVersion { get; init; }

    /// <summary>The <c>X-FieldSync-Platform</c> header (validated by the caller), recorded when it changes.</summary>
    public string? Platform { get; init; }

    /// <summary>The user's sync settings as the device reports them; recorded when they change, never refused.</summary>
    public UserSyncSettings? UserSettings { get; init; }

    /// <summary>Per table, the rows and checksum the device holds, compared where the response's figures are exact.</summary>
    public IReadOnlyDictionary<string, TableHolding>? Holdings { get; init; }
}

public sealed record TableChanges(string Table, List<FeedOp> Upserts, List<string> Removes);

/// <summary>A table's sync status; count and checksum are present for the tables whose bucket head this pull read.</summary>
public sealed record TableStatus(string Table, DateTimeOffset? LastSyncedAt, DateTimeOffset? NextDueAt, long? Count, string? Checksum, bool Synced);

public sealed record PullResult(
    string SyncMode,
    string Checkpoint,
    bool HasMore,
    long Pending,
    bool IsLarge,
    OfflineProfile Profile,
    bool ProfileChanged,
    IReadOnlyList<TableChanges> Changes,
    IReadOnlyList<string> Resync,
    IReadOnlyList<string> Dropped,
    IReadOnlyList<TableStatus> Status,
    DateTimeOffset ServerTime)
{
    /// <summary>Pushed batches processed since the last pull, with every change's outcome.</summary>
    public IReadOnlyList<Push.InboxBatch> PushOutcomes { get; init; } = [];

    /// <summary>
    /// Set when this pull resets the device (an admin asked, or its record was removed): the device clears its
    /// database before applying this response, which is the first page of a fresh download.
    /// </summary>
    public DeviceReset? Reset { get; init; }

    /// <summary>
    /// On the pull that starts a new database (no checkpoint, or a reset): the last batch sequence the inbox accepted,
    /// so a device that lost its state numbers its next batches above it.
    /// </summary>
    public long? LastAcceptedSequence { get; init; }
}

public enum PullFailure
{
    None,
    InvalidRequest,
    DeviceOfOtherUser,
    InvalidCheckpoint,
    /// <summary>The checkpoint belongs to an older database of the device (it started a first sync since).</summary>
    CheckpointSuperseded,
}

public sealed record PullOutcome(PullResult? Result, PullFailure Failure, string? Detail, string? Field = null);

/// <summary>
/// Pull: returns the ops after the device's checkpoint for the tables that are due, a page at a time.
/// An idle pull (nothing due or nothing new) reads two or three entities: the device record, the user's scope head
/// and, when a shared table is due, the shared scope head; it writes the device record only when something the record
/// shows changed beyond the clock, or hourly (<see cref="TouchEvery"/>).
/// </summary>
public sealed class PullService(IFeedStore feed, IDeviceRegistry devices, IProfileStore profiles, ScopeMaintainer maintainer, Push.IInbox inbox, TimeProvider clock)
{
    public const int DefaultPageSize = 1000;
    public const int MaxPageSize = 5000;

    /// <summary>The device binding's last-pull time is refreshed at most this often, to keep idle pulls cheap.</summary>
    private static readonly TimeSpan TouchEvery = TimeSpan.FromHours(1);

    public async Task<PullOutcome> PullAsync(string userId, PullRequest request, CancellationToken cancellationToken)
    {
        if (!RecordIds.IsValid(request.DeviceId, out var deviceError))
        {
            return new PullOutcome(null, PullFailure.InvalidRequest, deviceError, "deviceId");
        }
        if (request.PageSize is < 1 or > MaxPageSize)
        {
            return new PullOutcome(null, PullFailure.InvalidRequest, $"pageSize must be between 1 and {MaxPageSize}.", "pageSize");
        }
        Checkpoint? checkpoint = null;
        if (request.Checkpoint is not null && (!Checkpoint.TryDecode(request.Checkpoint, out checkpoint) || checkpoint!.DeviceId != request.DeviceId || checkpoint.UserId != userId))
        {
            return new PullOutcome(null, PullFailure.InvalidCheckpoint, "The checkpoint is not one this server issued to this device and user. Start again without a checkpoint (a first sync).", "checkpoint");
        }

        var now = clock.GetUtcNow();
        var userScope = ScopeIds.ForUser(userId);
        var userHeadRead = feed.GetHeadAsync(userScope, cancellationToken);
        var device = await devices.GetAsync(request.DeviceId, cancellationToken);
        var userHead = await userHeadRead;
        if (device is not null && device.UserId != userId)
        {
            return OtherUsersDevice(request.DeviceId);
        }

        // Resets and generations: a checkpoint only continues the database it was issued for.
        DeviceReset? reset = null;
        // A removed device's record starts again at generation 0 when it is bound again; its new database must still get
        // a generation above the old one, or a copy of an old checkpoint would pass for current.
        long removedGeneration = 0;
        if (checkpoint is not null)
        {
            if (device is null || checkpoint.Generation > device.Generation)
            {
                // Unbound by an admin or removed by the cleanup timer (and perhaps bound again since by a push: generations
                // only grow, so a checkpoint above the record's is from before the removal): the device starts again,
                // never an error loop.
                reset = new DeviceReset(DeviceResetReasons.DeviceRemoved, now, null);
                removedGeneration = checkpoint.Generation;
            }
            else if (device.PendingReset is { } asked)
            {
                reset = asked;
            }
            else if (checkpoint.Generation != device.Generation)
            {
                await RecordSupersededAsync(device, request, now, cancellationToken);
                return new PullOutcome(null, PullFailure.CheckpointSuperseded,
                    "This checkpoint belongs to an older database of this device: a first sync was started on the device since (another install or a restored backup). Clear the local database and pull without a checkpoint.",
                    "checkpoint");
            }
        }
        if (reset is not null)
        {
            checkpoint = null; // the device drops everything: a fresh download
        }
        var tablesAsked = reset is null ? request.Tables : null;

        OfflineProfile? profile = userHead?.ProfileId is { } pid ? await profiles.GetRevisionAsync(pid, userHead.ProfileRevision, cancellationToken) : null;
        ScopeHead? sharedHead = null;
        if (userHead is null || profile is null || userHead.State != ScopeState.Live)
        {
            // Not built yet, or retired by the cleanup (the user had no device left): built (again) here.
            (profile, userHead, sharedHead) = await maintainer.EnsureScopesAsync(userId, cancellationToken, request.DeviceId);
        }

        foreach (var table in tablesAsked ?? [])
        {
            if (!profile.Tables.ContainsKey(table))
            {
                return new PullOutcome(null, PullFailure.InvalidRequest, $"Table '{table}' is not in your offline profile '{profile.Name}'.", "tables");
            }
        }

        // Bound only once the request is known to be good: a refused pull must not register the device to the caller.
        device ??= await devices.BindAsync(request.DeviceId, userId, now, cancellationToken);
        if (device.UserId != userId)
        {
            return OtherUsersDevice(request.DeviceId); // another user bound it a moment ago
        }

        // A new database (no checkpoint, or a reset): a new generation, and baselines so that nothing meant for the
        // device's old database (push outcomes, sync errors) reaches the new one. A device that never pulled had no
        // database: what it pushed before its first pull is its own.
        long? lastAccepted = null;
        var errorBaseline = device.ErrorBaseline;
        if (checkpoint is null)
        {
            var inboxHead = await inbox.GetHeadAsync(request.DeviceId, cancellationToken);
            var hadDatabase = reset is not null || device.Generation > 0;
            lastAccepted = inboxHead.AcceptedSequence;
            errorBaseline = hadDatabase ? inboxHead.ErrorCount : 0;
            checkpoint = new Checkpoint
            {
                DeviceId = request.DeviceId,
                UserId = userId,
                Generation = Math.Max(device.Generation, removedGeneration) + 1,
                OutcomesThrough = hadDatabase ? inboxHead.AcceptedSequence : 0,
            };
        }
        var newDatabase = lastAccepted is not null;
        var firstSync = newDatabase || checkpoint.Buckets.Count == 0 || checkpoint.Buckets.Values.Any(b => !b.Complete);
        var mode = tablesAsked is { Count: > 0 } ? SyncModes.GridSync
            : firstSync ? SyncModes.FirstSync
            : request.Force ? SyncModes.ForcedSync
            : SyncModes.DeltaSync;

        // Which tables this pull serves: a refresh serves the asked tables; otherwise every table whose effective
        // interval has passed (the seed's rule: a related table with a shorter interval pulls this one along),
        // plus any whose first download has not finished.
        var due = new List<TableRule>();
        foreach (var rule in profile.TablesInDependencyOrder)
        {
            checkpoint.Buckets.TryGetValue(rule.Table, out var cp);
            var isDue = mode switch
            {
                SyncModes.GridSync => tablesAsked!.Contains(rule.Table),
                SyncModes.FirstSync or SyncModes.ForcedSync => true,
                _ => cp is null || !cp.Complete || now >= DateTimeOffset.FromUnixTimeSeconds(cp.SyncedAt) + rule.EffectiveSyncInterval,
            };
            if (isDue)
            {
                due.Add(rule);
            }
        }

        // The shared scope's head is read only when a shared table is due: most pulls are for the agenda.
        if (sharedHead is null && due.Any(rule => !rule.IsUserScoped))
        {
            sharedHead = await feed.GetHeadAsync(maintainer.SharedCopyFor(profile.Id, request.DeviceId), cancellationToken);
            if (sharedHead is null)
            {
                (profile, userHead, sharedHead) = await maintainer.EnsureScopesAsync(userId, cancellationToken, request.DeviceId);
            }
        }

        var changes = new List<TableChanges>();
        var resync = new List<string>();
        // Tables the profile no longer carries (the profile changed, or another was assigned): the device deletes them.
        var dropped = checkpoint.Buckets.Keys.Where(table => !profile.Tables.ContainsKey(table)).Order(StringComparer.Ordinal).ToList();
        foreach (var table in dropped)
        {
            checkpoint.Buckets.Remove(table);
        }
        var budget = request.PageSize;
        var hasMore = false;
        long pending = 0;
        var synced = new HashSet<string>(StringComparer.Ordinal);
        // Scopes whose log grew while this pull read it (an op above the head's last seq came back): their head is
        // read again after the ops, so the figures sent describe the rows the device holds after this response.
        var movedScopes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in due)
        {
            var head = rule.IsUserScoped ? userHead : sharedHead!;
            var bucket = head.Bucket(rule.Table);
            if (!checkpoint.Buckets.TryGetValue(rule.Table, out var cp) || cp.Scope != head.ScopeId || MustRestart(bucket, cp))
            {
                // New bucket for this device, a table that moved scope, a removal the device needed has expired, or a
                // position this bucket never reached: the device drops the table's rows and downloads the bucket again.
                // Never silently stale.
                if (cp is not null)
                {
                    resync.Add(rule.Table);
                }
                cp = new BucketCheckpoint { Scope = head.ScopeId, FloorSeen = bucket.Floor };
                checkpoint.Buckets[rule.Table] = cp;
            }
            cp.FloorSeen = bucket.Floor;
            if (budget == 0 && bucket.LastSeq > cp.Seq)
            {
                // The page is full: this table's ops wait for the next page. A table with nothing to send goes on below and
                // completes now, else a download whose last page filled up would stay a FIRST_SYNC with nothing left to send.
                hasMore = true;
                pending += Remaining(bucket, cp);
                continue;
            }
            var tableChanges = new TableChanges(rule.Table, [], []);
            if (bucket.LastSeq > cp.Seq)
            {
                var page = await feed.ReadOpsAsync(head.ScopeId, rule.Table, cp.Seq, budget, cancellationToken);
                foreach (var op in page.Ops)
                {
                    if (op.Kind == FeedOpKind.Put)
                    {
                        tableChanges.Upserts.Add(op);
                    }
                    else if (cp.Complete || cp.Seq > 0)
                    {
                        tableChanges.Removes.Add(op.Id); // a first download has nothing to remove
                    }
                    cp.Seq = op.Seq;
                    if (op.Seq > bucket.LastSeq)
                    {
                        movedScopes.Add(head.ScopeId);
                    }
                }
                if (!cp.Complete)
                {
                    cp.Delivered += tableChanges.Upserts.Count;
                }
                budget -= page.Ops.Count;
                // Ops appended after the head was read belong to the next pull; past the head there is no "more".
                hasMore |= page.HasMore && cp.Seq < bucket.LastSeq;
                if (!page.HasMore)
                {
                    cp.Seq = Math.Max(cp.Seq, bucket.LastSeq);
                }
            }
            if (cp.Seq >= bucket.LastSeq)
            {
                cp.Complete = true;
                cp.Delivered = 0;
                cp.SyncedAt = now.ToUnixTimeSeconds();
                synced.Add(rule.Table);
            }
            pending += Remaining(bucket, cp);
            if (tableChanges.Upserts.Count > 0 || tableChanges.Removes.Count > 0)
            {
                changes.Add(tableChanges);
            }
        }

        var idleFor = checkpoint.PulledAt == 0 ? TimeSpan.Zero : now - DateTimeOffset.FromUnixTimeSeconds(checkpoint.PulledAt);
        var isLarge = LargeSync.IsLargeSync(mode, changes.Sum(c => (long)c.Upserts.Count + c.Removes.Count), Math.Max(0, pending), idleFor, profile.Settings);
        checkpoint.PulledAt = now.ToUnixTimeSeconds();

        // A commit landed while the ops were read: the figures come from the head as it is after the reads.
        var figuresFrom = new Dictionary<string, ScopeHead?>(StringComparer.Ordinal);
        foreach (var scope in movedScopes)
        {
            figuresFrom[scope] = await feed.GetHeadAsync(scope, cancellationToken);
        }
        var status = new List<TableStatus>();
        foreach (var rule in profile.TablesInDependencyOrder)
        {
            var head = rule.IsUserScoped ? userHead : sharedHead;
            ScopeHead? after = null;
            var moved = head is not null && figuresFrom.TryGetValue(head.ScopeId, out after);
            var bucket = (moved ? after : head)?.Bucket(rule.Table);
            checkpoint.Buckets.TryGetValue(rule.Table, out var cp);
            DateTimeOffset? last = cp is { SyncedAt: > 0 } ? DateTimeOffset.FromUnixTimeSeconds(cp.SyncedAt) : null;
            // Count and checksum only where they describe exactly the rows the device holds once it has applied this
            // response: a finished download whose position is the bucket's last seq. Elsewhere (a download still in
            // progress, a table not served with newer ops, a commit that landed after the rows were read) a device
            // would see an integrity failure that is not one, and download the table again for nothing.
            var exact = bucket is not null && cp is { Complete: true } && cp.Seq == bucket.LastSeq;
            if (moved && !exact && synced.Contains(rule.Table))
            {
                hasMore = true; // the commit that landed meanwhile is there to be read now
            }
            status.Add(new TableStatus(rule.Table, last, last + rule.EffectiveSyncInterval, exact ? bucket!.Count : null,
                exact ? BucketChecksum.Format(bucket!.Checksum) : null, synced.Contains(rule.Table)));
        }
        var revision = ProfileRevisions.Of(profile);
        var profileChanged = checkpoint.ProfileRevision != revision;
        checkpoint.ProfileRevision = revision;

        // Outcomes of pushed batches: read only when the device says it pushed something not reported yet.
        IReadOnlyList<Push.InboxBatch> outcomes = [];
        if (request.PushedSequence > checkpoint.OutcomesThrough)
        {
            outcomes = await inbox.ProcessedAfterAsync(request.DeviceId, checkpoint.OutcomesThrough, 50, cancellationToken);
            if (outcomes.Count > 0)
            {
                checkpoint.OutcomesThrough = outcomes[^1].Sequence;
            }
        }

        var delivered = changes.Sum(c => (long)c.Upserts.Count);
        await RecordPullAsync(device, request, new DevicePull(now, mode, true, delivered, hasMore), profile, revision, checkpoint.Generation, errorBaseline,
            newDatabase ? device.PendingReset : null, newDatabase, status, ChangedTables(changes, resync, dropped), now, cancellationToken);
        var result = new PullResult(mode, checkpoint.Encode(), hasMore, Math.Max(0, pending), isLarge, profile, profileChanged, changes, resync, dropped, status, now)
        {
            PushOutcomes = outcomes,
            Reset = reset,
            LastAcceptedSequence = lastAccepted,
        };
        return new PullOutcome(result, PullFailure.None, null);
    }

    /// <summary>The tables whose rows this answer changes on the device: upserts, removals, a resync or a drop.</summary>
    private static HashSet<string> ChangedTables(IEnumerable<TableChanges> changes, IEnumerable<string> resync, IEnumerable<string> dropped)
        => [.. changes.Where(c => c.Upserts.Count > 0 || c.Removes.Count > 0).Select(c => c.Table).Concat(resync).Concat(dropped)];

    /// <summary>
    /// Writes the device record after a pull, but only when something it shows changed beyond the clock (a first sync,
    /// delivered records, more pages, a new mode, app version, platform, profile, settings, row count or integrity
    /// result, a reset carried out) or the last write is older than <see cref="TouchEvery"/>: an idle pull stays at its
    /// reads. <paramref name="consumed"/> is the admin reset this pull carried out, cleared unless another was asked meanwhile.
    /// </summary>
    private async Task RecordPullAsync(DeviceRegistration device, PullRequest request, DevicePull pull, OfflineProfile profile, string revision,
        long generation, long errorBaseline, DeviceReset? consumed, bool newDatabase, IReadOnlyList<TableStatus> status, HashSet<string> changedTables,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tables = new Dictionary<string, DeviceTableStatus>(StringComparer.Ordinal);
        foreach (var table in status)
        {
            var before = newDatabase ? null : device.Tables.GetValueOrDefault(table.Table);
            bool? matched = before?.ChecksumMatched;
            // The holdings are what the device held before applying this answer, the figures what it holds after: they
            // describe the same rows only where the answer changes nothing in the table.
            if (table.Count is { } count && !changedTables.Contains(table.Table) && request.Holdings?.GetValueOrDefault(table.Table) is { } held)
            {
                matched = held.Count == count && string.Equals(held.Checksum, table.Checksum, StringComparison.OrdinalIgnoreCase);
            }
            tables[table.Table] = new DeviceTableStatus(table.LastSyncedAt, table.NextDueAt, table.Count ?? before?.Rows, matched);
        }
        DeviceRegistration Apply(DeviceRegistration d) => d with
        {
            LastPullOn = now,
            LastSeenOn = now,
            LastPull = pull,
            AppVersion = request.AppVersion ?? d.AppVersion,
            Platform = request.Platform ?? d.Platform,
            ProfileId = profile.Id,
            ProfileRevision = revision,
            UserSettings = request.UserSettings ?? d.UserSettings,
            PendingReset = consumed is not null && d.PendingReset == consumed ? null : d.PendingReset,
            Generation = generation,
            ErrorBaseline = errorBaseline,
            Tables = tables,
        };
        var after = Apply(device);
        var changed = newDatabase || pull.Records > 0 || pull.HasMore
            || device.LastPull is not { Succeeded: true } last || last.SyncMode != pull.SyncMode || last.HasMore
            || after.AppVersion != device.AppVersion || after.Platform != device.Platform
            || after.ProfileId != device.ProfileId || after.ProfileRevision != device.ProfileRevision
            || after.UserSettings != device.UserSettings || after.PendingReset != device.PendingReset
            || after.Generation != device.Generation || after.ErrorBaseline != device.ErrorBaseline
            || !SameFigures(device.Tables, tables);
        if (changed || device.LastPullOn is null || now - device.LastPullOn > TouchEvery)
        {
            await devices.UpdateAsync(device, Apply, cancellationToken);
        }
    }

    /// <summary>Whether two records' tables show the same rows and integrity results (their times may differ: those are the clock).</summary>
    private static bool SameFigures(IReadOnlyDictionary<string, DeviceTableStatus> before, Dictionary<string, DeviceTableStatus> after)
        => before.Count == after.Count && after.All(t => before.TryGetValue(t.Key, out var b) && b.Rows == t.Value.Rows && b.ChecksumMatched == t.Value.ChecksumMatched);

    /// <summary>Records a pull refused for a superseded checkpoint, once an hour at most, so a device that keeps retrying costs reads only.</summary>
    private async Task RecordSupersededAsync(DeviceRegistration device, PullRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string code = "checkpoint-superseded";
        if (device.LastPull is { Succeeded: false, ErrorCode: code } last && now - last.At < TouchEvery)
        {
            return;
        }
        var mode = request.Tables is { Count: > 0 } ? SyncModes.GridSync : request.Force ? SyncModes.ForcedSync : SyncModes.DeltaSync;
        await devices.UpdateAsync(device, d => d with { LastSeenOn = now, LastPull = new DevicePull(now, mode, false, 0, false, code) }, cancellationToken);
    }

    private static PullOutcome OtherUsersDevice(string deviceId)
        => new(null, PullFailure.DeviceOfOtherUser, $"Device '{deviceId}' is registered to another user. Reset the device or use its own user.");

    /// <summary>
    /// Whether compaction dropped a removal this device still needed. Removals expire oldest first, so the dropped
    /// ones are exactly those at or below the floor. Those at or below <see cref="BucketCheckpoint.Seq"/> the device
    /// has read; those at or below the floor it saw on its last read of the bucket had expired before then, so the
    /// rows they removed had already left the log and never reached the device (a first download that started
    /// after a compaction is not stale). Only a floor above both means a removal went missing.
    /// <para/>
    /// A position above the bucket's last seq was never issued for this bucket (the scope was rebuilt, or the token
    /// is forged): waiting for ops above it would leave the device stale forever.
    /// </summary>
    internal static bool MustRestart(BucketState bucket, BucketCheckpoint cp)
        => bucket.Floor > Math.Max(cp.Seq, cp.FloorSeen) || cp.Seq > bucket.LastSeq;

    /// <summary>
    /// Records still to come in a bucket: exact for a first download (the log holds one op per live record),
    /// an upper bound for an incremental one (ops after the checkpoint).
    /// </summary>
    private static long Remaining(BucketState bucket, BucketCheckpoint cp)
        => cp.Complete ? Math.Max(0, bucket.LastSeq - cp.Seq) : Math.Max(0, bucket.Count - cp.Delivered);
}
