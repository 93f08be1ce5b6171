using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using Microsoft.Extensions.Logging;

namespace FieldSync.Core.Sync;

/// <summary>
/// Brings a scope's buckets to what its profile selects now: evaluates the profile, diffs the result against
/// the bucket members and commits puts and removes as ops. Idempotent and order-free: it never trusts the
/// message that triggered it, only the current records, so running it twice, late, or out of order ends
/// in the same state. The head is read first and every commit is conditional on it, so a concurrent run
/// that committed in between forces this one to start over with fresh reads.
/// </summary>
public sealed class ScopeMaintainer(
    IFeedStore feed,
    IProfileStore profiles,
    IRecordStore records,
    ScopeEvaluator evaluator,
    IFeedWork work,
    SchemaCatalog schema,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptionsMonitor<SyncOptions> options,
    ILogger<ScopeMaintainer> logger,
    Telemetry.ISyncTelemetry? telemetry = null,
    IScopeRetirements? retirements = null)
{
    private const int MaxAttempts = 10;

    private readonly Telemetry.ISyncTelemetry telemetry = telemetry ?? Telemetry.NullSyncTelemetry.Instance;

    /// <summary>One ScopeEvaluation event and metric: what was looked at, what changed, how often the head race was lost.</summary>
    private void Report(string kind, int records, IReadOnlyList<MemberChange> changes, int attempt, long started)
    {
        telemetry.Track(new Telemetry.TelemetryEvent(Telemetry.TelemetryNames.Events.ScopeEvaluation)
            .Dimension(Telemetry.TelemetryNames.Dimensions.EvaluationKind, kind)
            .Measure(Telemetry.TelemetryNames.Measurements.Records, records)
            .Measure(Telemetry.TelemetryNames.Measurements.Puts, changes.Count(c => c.Kind == FeedOpKind.Put))
            .Measure(Telemetry.TelemetryNames.Measurements.Removes, changes.Count(c => c.Kind != FeedOpKind.Put))
            .Measure(Telemetry.TelemetryNames.Measurements.HeadRaceRetries, attempt - 1)
            .Measure(Telemetry.TelemetryNames.Measurements.DurationMs, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds));
        telemetry.Metric(Telemetry.TelemetryNames.Metrics.ScopeEvaluations, 1, (Telemetry.TelemetryNames.Dimensions.EvaluationKind, kind));
    }

    /// <summary>
    /// After losing the head race to another evaluation of the same scope, waits a random while that doubles with
    /// every loss (up to a second), so a burst of evaluations of one scope (a dispatcher editing many of one
    /// technician's bookings) spreads out instead of all retrying in lockstep. A real delay, not the scope's clock.
    /// </summary>
    private static Task BackOffAsync(int attempt, CancellationToken cancellationToken)
        => Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(0, Math.Min(1000, 10 << attempt))), cancellationToken);

    /// <summary>Re-evaluates one scope. Returns the number of ops appended.</summary>
    public Task<int> EvaluateAsync(string scopeId, CancellationToken cancellationToken) => EvaluateAsync(scopeId, rebuild: false, cancellationToken);

    /// <summary>
    /// Re-evaluates one scope; a retired scope only when <paramref name="rebuild"/> (a first sync of its user), so that a
    /// message or sweep that still names a retired scope costs one read and never brings it back.
    /// </summary>
    private async Task<int> EvaluateAsync(string scopeId, bool rebuild, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var head = await feed.GetHeadAsync(scopeId, cancellationToken);
            if (head is { State: not ScopeState.Live } && !(rebuild && head.State == ScopeState.Retired))
            {
                return 0;
            }
            var (profile, context, userScoped) = await ResolveAsync(scopeId, cancellationToken);
            if (profile is null)
            {
                logger.LogWarning("Scope {Scope} names a profile that no longer exists; left as it is", scopeId);
                return 0;
            }
            var referenced = new List<RecordKey>();
            var selected = await evaluator.EvaluateAsync(profile, context, userScoped, cancellationToken, userScoped ? referenced : null);
            var members = await feed.GetMembersAsync(scopeId, cancellationToken);
            var changes = Diff(selected, members);
            var evaluation = new ScopeEvaluation(profile.Id, ProfileRevisions.Of(profile), context.ResourceId, context.Now);
            // Nothing to write unless something changed; the evaluation date is kept current too, because the
            // time-relative timer skips scopes already evaluated today.
            if (changes.Count == 0 && head is { State: ScopeState.Live } && head.ProfileId == profile.Id && head.ProfileRevision == evaluation.ProfileRevision
                && head.ResourceId == context.ResourceId && head.EvaluatedOn?.UtcDateTime.Date == context.Now.UtcDateTime.Date)
            {
                Report(Telemetry.TelemetryNames.EvaluationKinds.Whole, members.Count, changes, attempt, started);
                return 0;
            }
            if (!await IndexReferencesAsync(scopeId, referenced.Distinct().ToDictionary(k => k, _ => (long?)null), cancellationToken))
            {
                continue; // a row the scope points to was created meanwhile: evaluate again with it
            }
            if (userScoped && context.ResourceId is { } resourceId && head?.ResourceId != resourceId)
            {
                // The scope is listed as a holder of its technician's resource, so a write that gives the resource to
                // someone else finds this scope (FeedFanOut) without a look at every scope. Read again after the entry:
                // a change before it would have missed the scope.
                var resourceKey = new RecordKey(ScopeEvaluator.ResourceTable, resourceId);
                await feed.IndexReferencesAsync(scopeId, [resourceKey], cancellationToken);
                if (await evaluator.FindResourceAsync(context.UserId, cancellationToken) != resourceId)
                {
                    continue;
                }
                referenced.Add(resourceKey);
            }
            if (await feed.CommitAsync(scopeId, head, evaluation, changes, clock.GetUtcNow(), cancellationToken, referenced))
            {
                if (head is null or { State: not ScopeState.Live } && userScoped)
                {
                    // Built: its rows are in the reverse index now, so writes find it the usual way again.
                    await feed.RegisterScopeAsync(new ScopeRegistration(scopeId, profile.Id, context.UserId), cancellationToken);
                }
                if (changes.Count > 0)
                {
                    logger.LogInformation("Scope {Scope}: {Count} ops appended (attempt {Attempt})", scopeId, changes.Count, attempt);
                }
                Report(Telemetry.TelemetryNames.EvaluationKinds.Whole, members.Count, changes, attempt, started);
                return changes.Count;
            }
            logger.LogInformation("Scope {Scope} moved during evaluation; evaluating again", scopeId);
            await BackOffAsync(attempt, cancellationToken);
        }
        throw new InvalidOperationException($"Scope {scopeId} kept changing during {MaxAttempts} evaluations; the message will be retried.");
    }

    /// <summary>When a poisoned scope's whole evaluation fails too, it is queued again for after this while.</summary>
    public static readonly TimeSpan RetryPoisonedAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// For a scope-evaluation message that kept failing (poison): evaluates the whole scope, which settles every
    /// record the message carried. If that fails too, the scope is queued for a whole evaluation again a few
    /// minutes later instead of being given up: a change must not stay out of a device's data because its scope
    /// was busy. Returns whether the scope was evaluated now.
    /// </summary>
    public async Task<bool> SettlePoisonedAsync(string scopeId, CancellationToken cancellationToken)
    {
        try
        {
            await EvaluateAsync(scopeId, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Scope {Scope} could not be evaluated after its message was poisoned; it is queued again for {Delay}", scopeId, RetryPoisonedAfter);
            await work.EnqueueScopeAsync(scopeId, RetryPoisonedAfter, cancellationToken);
            return false;
        }
    }

    /// <summary>Runs one scope-evaluation message: its records when it names some, else the whole scope.</summary>
    public Task<int> HandleAsync(ScopeEvaluationMessage message, CancellationToken cancellationToken)
        => message.Records is { Count: > 0 } records
            ? EvaluateRecordsAsync(message.ScopeId, records, cancellationToken)
            : EvaluateAsync(message.ScopeId, cancellationToken);

    /// <summary>
    /// Evaluates written records in one scope (and what depends on them), all in one evaluation and one commit;
    /// the fan-out's usual path. Falls back to the whole scope when the scope is not built yet for its current
    /// profile, or a record is a technician mapping (which changes what the profile's parameters mean).
    /// </summary>
    public async Task<int> EvaluateRecordsAsync(string scopeId, IReadOnlyList<RecordKey> written, CancellationToken cancellationToken)
    {
        if (written.Any(r => r.Table == ScopeEvaluator.ResourceTable))
        {
            return await EvaluateAsync(scopeId, cancellationToken);
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var head = await feed.GetHeadAsync(scopeId, cancellationToken);
            if (head is { State: not ScopeState.Live })
            {
                // A write still finds this retired scope (an index entry of a row it pointed to but never held): drop
                // the entries, so the next write to those rows does not come here again.
                if (retirements is not null)
                {
                    await retirements.UnindexAsync(head, written, cancellationToken);
                }
                return 0;
            }
            if (head?.ProfileId is null)
            {
                // Registered (the fan-out sends only to registered scopes) but not built: its first build is running
                // and may have read this record before the write. Build it here too; the head's If-Match makes the
                // later of the two builds start over from what the earlier committed.
                return await EvaluateAsync(scopeId, cancellationToken);
            }
            var profile = await profiles.GetRevisionAsync(head.ProfileId, head.ProfileRevision, cancellationToken);
            if (profile is null || ProfileRevisions.Of(profile) != head.ProfileRevision)
            {
                return await EvaluateAsync(scopeId, cancellationToken); // the profile changed: re-evaluate everything
            }
            var userScoped = ScopeIds.IsUserScope(scopeId);
            if (written.Any(r => profile.Tables.TryGetValue(r.Table, out var rule) && rule.IsUserScoped != userScoped))
            {
                // A shared row that technicians' rows depend on: rare, so the whole scope is evaluated.
                return await EvaluateAsync(scopeId, cancellationToken);
            }
            var context = new FilterContext(userScoped ? ScopeIds.UserOf(scopeId) : string.Empty, head.ResourceId, clock.GetUtcNow());
            var evaluation = new RecordEvaluation(feed, records, schema, profile, head, context, userScoped);
            var changes = await evaluation.RunAsync(written, cancellationToken);
            if (changes.Count == 0)
            {
                Report(Telemetry.TelemetryNames.EvaluationKinds.Records, written.Count, changes, attempt, started);
                return 0;
            }
            // Rows entering the scope are indexed here, before the commit, and read again: a write to one after the
            // evaluation read it fans out by the index, and one that came before the index entry would otherwise
            // find neither it nor (if it moved the row elsewhere) this scope, leaving the old version here.
            var entering = changes.Where(c => c.Kind == FeedOpKind.Put && c.Previous is not { In: true }).ToDictionary(c => new RecordKey(c.Table, c.Id), c => (long?)c.Version);
            foreach (var missing in evaluation.Referenced)
            {
                entering[missing] = null;
            }
            if (!await IndexReferencesAsync(scopeId, entering, cancellationToken))
            {
                await BackOffAsync(attempt, cancellationToken);
                continue; // a row changed (or appeared) meanwhile: evaluate again on what it is now
            }
            var stamp = new ScopeEvaluation(profile.Id, head.ProfileRevision!, head.ResourceId, head.EvaluatedOn ?? context.Now);
            if (await feed.CommitAsync(scopeId, head, stamp, changes, clock.GetUtcNow(), cancellationToken, [.. entering.Keys]))
            {
                Report(Telemetry.TelemetryNames.EvaluationKinds.Records, written.Count, changes, attempt, started);
                return changes.Count;
            }
            await BackOffAsync(attempt, cancellationToken);
        }
        throw new InvalidOperationException($"Scope {scopeId} kept changing while {written.Count} written records were evaluated; the message will be retried.");
    }

    /// <summary>
    /// Writes the reverse-index entries of rows about to enter the scope (with the version the evaluation saw) and of
    /// rows it points to that do not exist (null), then reads those rows once more. A write between the evaluation's
    /// read and the index entry may have fanned out without finding this scope: then false, and the caller evaluates
    /// again on the row as it is now. A write after this read finds the entry.
    /// </summary>
    private async Task<bool> IndexReferencesAsync(string scopeId, IReadOnlyDictionary<RecordKey, long?> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0 || !ScopeIds.IsUserScope(scopeId))
        {
            return true; // shared scopes are found from the profile, not the index
        }
        var keys = rows.Keys.ToList();
        await feed.IndexReferencesAsync(scopeId, keys, cancellationToken);
        var now = await records.GetManyAsync([.. keys.Select(k => (k.Table, k.Id))], cancellationToken);
        return keys.Select((key, i) => rows[key] is { } version
            ? now[i] is { Record.Deleted: false } stored && stored.Record.Version == version
            : now[i] is null || now[i]!.Record.Deleted).All(unchanged => unchanged);
    }

    /// <summary>
    /// Makes sure the scopes a user's device reads exist and are registered, and builds them on first use: the user's
    /// scope, the profile's shared scope (server-side checks read it) and the copy of it the device reads
    /// (<see cref="ScopeIds.SharedCopyFor"/>). Returns the heads of the user's scope and of the device's copy.
    /// </summary>
    public async Task<(OfflineProfile Profile, ScopeHead UserHead, ScopeHead SharedHead)> EnsureScopesAsync(string userId, CancellationToken cancellationToken, string? deviceId = null)
    {
        var profileId = await profiles.GetAssignmentAsync(userId, cancellationToken);
        var profile = await profiles.GetAsync(profileId, cancellationToken)
            ?? throw new InvalidOperationException($"User {userId} is assigned profile '{profileId}', which does not exist.");
        var userScope = ScopeIds.ForUser(userId);
        var userHead = await feed.GetHeadAsync(userScope, cancellationToken);
        if (userHead is { State: ScopeState.Retiring } && retirements is not null)
        {
            // The user's last device was removed and the cleanup is deleting the scope: finish that now, then build it
            // again from nothing above the raised floors (what a fresh device of the user gets).
            userHead = await ScopeRetirement.FinishAsync(feed, retirements, userHead, cancellationToken);
        }
        if (userHead is null || userHead.State != ScopeState.Live || userHead.ProfileId != profile.Id)
        {
            await feed.RegisterScopeAsync(new ScopeRegistration(userScope, profile.Id, userId, Building: userHead is not { State: ScopeState.Live }), cancellationToken);
            await EvaluateAsync(userScope, rebuild: true, cancellationToken);
            userHead = await feed.GetHeadAsync(userScope, cancellationToken);
        }
        var sharedHead = await EnsureSharedAsync(ScopeIds.Shared(profile.Id), profile.Id, cancellationToken);
        var copy = SharedCopyFor(profile.Id, deviceId);
        if (copy != sharedHead.ScopeId)
        {
            sharedHead = await EnsureSharedAsync(copy, profile.Id, cancellationToken);
        }
        return (profile, userHead!, sharedHead);
    }

    /// <summary>The copy of the profile's shared scope this device reads.</summary>
    public string SharedCopyFor(string profileId, string? deviceId) => ScopeIds.SharedCopyFor(profileId, deviceId, options.CurrentValue.SharedScopeReplicas);

    private async Task<ScopeHead> EnsureSharedAsync(string scopeId, string profileId, CancellationToken cancellationToken)
    {
        var head = await feed.GetHeadAsync(scopeId, cancellationToken);
        if (head is null)
        {
            await feed.RegisterScopeAsync(new ScopeRegistration(scopeId, profileId, null), cancellationToken);
            await EvaluateAsync(scopeId, cancellationToken);
            head = await feed.GetHeadAsync(scopeId, cancellationToken);
        }
        return head!;
    }

    private async Task<(OfflineProfile? Profile, FilterContext Context, bool UserScoped)> ResolveAsync(string scopeId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (ScopeIds.IsUserScope(scopeId))
        {
            var userId = ScopeIds.UserOf(scopeId);
            var profileId = await profiles.GetAssignmentAsync(userId, cancellationToken);
            var profile = await profiles.GetAsync(profileId, cancellationToken);
            var resource = await evaluator.FindResourceAsync(userId, cancellationToken);
            return (profile, new FilterContext(userId, resource, now), true);
        }
        var shared = await profiles.GetAsync(ScopeIds.ProfileOfShared(scopeId), cancellationToken);
        return (shared, new FilterContext(string.Empty, null, now), false);
    }

    private List<MemberChange> Diff(Dictionary<string, Dictionary<string, Record>> selected, IReadOnlyList<Member> members)
    {
        var changes = new List<MemberChange>();
        var byKey = members.ToDictionary(m => (m.Table, m.Id));
        foreach (var (table, rows) in selected)
        {
            foreach (var record in rows.Values.OrderBy(r => r.Id, StringComparer.Ordinal))
            {
                byKey.TryGetValue((table, record.Id), out var member);
                if (member is { In: true } && member.Version == record.Version)
                {
                    continue;
                }
                changes.Add(new MemberChange(table, record.Id, FeedOpKind.Put, record.Version, RecordDocuments.ToJson(record), RecordDocuments.Links(schema, record), member));
            }
        }
        foreach (var member in members.OrderBy(m => m.Table, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal))
        {
            // Out of the selection (including tables the profile no longer carries): the device must remove it.
            if (member.In && !(selected.TryGetValue(member.Table, out var rows) && rows.ContainsKey(member.Id)))
            {
                changes.Add(new MemberChange(member.Table, member.Id, FeedOpKind.Remove, member.Version, null, member.Links, member));
            }
        }
        return changes;
    }
}
