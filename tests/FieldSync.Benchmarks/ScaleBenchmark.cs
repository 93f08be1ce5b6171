using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FieldSync.Core.Profiles;
using FieldSync.Core.Push;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using FieldSync.Functions;
using FieldSync.LocalHost.Azurite;
using FieldSync.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FieldSync.Benchmarks;

/// <summary>The scale benchmark's options.</summary>
/// <param name="Sizes">Fleet sizes (technicians), each run on an Azurite of its own.</param>
/// <param name="StepBudget">How long one measured step may drain the queues before it is cut off and reported incomplete.</param>
/// <param name="RegisterAll">
/// Register every technician's scope, not only the sample's (the other scopes stay unbuilt: a state the app never makes
/// itself, in which a fan-out that may bring a row into such a scope builds it, at midnight for most of the fleet).
/// </param>
internal sealed record ScaleSettings(IReadOnlyList<int> Sizes, int Products, bool IndexedAzurite, bool VerifyAzurite, TimeSpan StepBudget, int WriteParallelism,
    bool RegisterAll)
{
    public const int DefaultProducts = 20_000;
    public static readonly IReadOnlyList<int> DefaultSizes = [10, 100, 1000];
}

/// <summary>
/// <c>--scale</c>: what the sync paths cost in storage transactions (and entities read, and non-key queries) as the
/// fleet grows. For each fleet size N, on an Azurite of its own:
/// <list type="number">
/// <item>setup (not measured): the <see cref="ScaleWorld"/> written through <see cref="IRecordStore.TryWriteAllAsync"/>
/// (the store writes each record's fan-out marker and index entries with it; the markers are left pending: no scope
/// exists yet that could hold the rows, and deleting them costs only time), the time-relative timer's first run (it has
/// been running all along in a real deployment; its first run, with no cursor, evaluates every scope once), the sample's
/// ten scopes registered, the profile's shared scope built, technicians 3-10 built as their first pull would
/// (EnsureScopesAsync), and a warm-up first sync;</item>
/// <item>measured, each with everything it causes drained from the app's queues through the app's own queue functions
/// (<see cref="QueueDrainer"/>): a whole-scope evaluation (technician 1's registered, unbuilt scope); a first sync of a
/// fresh device of technician 1 (scope built) and of technician 2 (scope not built: the pull builds it); an idle pull; a
/// dispatcher's edit of one of technician 1's bookings; a new booking for technician 1 pointing to a work order (with
/// parts and tasks) no one holds; a booking moved from technician 3 to 4; a pushed batch of 50 work order updates by
/// technician 1's device (after a warm-up batch); a profile change (a copy of the default profile assigned to
/// technicians 1-10 through the admin function, then one of its filters changed through it); the midnight
/// re-evaluation (the clock moved to 00:01 UTC, the 15-minute timer function run, the queues drained).</item>
/// </list>
/// Only the ten sample technicians have synced (registered and built scopes) at every N; the others have their rows,
/// agenda and bookings crossing midnight, but no scope, as technicians who never opened the app. Building every scope
/// would take about 0.55 s each on this emulator (10 minutes at N = 1,000); registering them without building them
/// (<c>--scale-register-all</c>) makes a state the app never makes itself (a registered scope is built, or being built),
/// in which the midnight fan-out builds most of the fleet's scopes because a crossing booking "may enter" its
/// technician's scope.
/// </summary>
internal static class ScaleBenchmark
{
    private const int Evaluated = 1;       // whole-scope evaluation, first sync (built), idle pull, edits, push
    private const int Unbuilt = 2;         // first sync of a scope not built yet
    private const int MovedFrom = 3;       // reassignment from
    private const int MovedTo = 4;         // reassignment to
    private const int Sample = 10;         // technicians 1..10: built before midnight; the profile change's sample
    private const int PushBatch = 50;
    private const string CopyProfileId = "scale-copy";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<ScaleResults> RunAsync(ScaleSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var results = new ScaleResults { StartedOn = DateTimeOffset.UtcNow, IndexedAzurite = settings.IndexedAzurite, Products = settings.Products };
        var total = Stopwatch.StartNew();
        foreach (var n in settings.Sizes)
        {
            results.Runs.Add(await RunOneAsync(n, settings, total, log, cancellationToken));
        }
        results.Commit = await GitDescription.DescribeAsync(RepoRoot.Find(), cancellationToken);
        results.TotalSeconds = total.Elapsed.TotalSeconds;
        return results;
    }

    private static async Task<ScaleRun> RunOneAsync(int n, ScaleSettings settings, Stopwatch total, TextWriter log, CancellationToken cancellationToken)
    {
        if (n < Sample)
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"The scale benchmark needs at least {Sample} technicians.");
        }
        void Step(string message) => log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{total.Elapsed.TotalSeconds,6:0.0}s] N={n}: {message}"));
        var run = new ScaleRun { Technicians = n };
        var runWatch = Stopwatch.StartNew();

        Step(settings.IndexedAzurite ? "starting Azurite (in memory, with the scale index preloaded)..." : "starting Azurite (in memory, stock)...");
        await using var azurite = await ScaleAzurite.StartAsync(settings.IndexedAzurite, settings.VerifyAzurite, cancellationToken);
        // 06:00 UTC today: the day has room for every step before the benchmark moves the clock to midnight.
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(6), TimeSpan.Zero));
        var key = LocalTokens.NewKey();
        await using var services = BenchmarkApp.Build(azurite.ConnectionString, clock, key,
            collection => collection.Configure<LoggerFilterOptions>(o => o.MinLevel = LogLevel.Warning));
        var counter = services.GetRequiredService<StorageTransactionCounter>();
        var records = services.GetRequiredService<RecordService>();
        var store = services.GetRequiredService<IRecordStore>();
        var feed = services.GetRequiredService<IFeedStore>();
        var profiles = services.GetRequiredService<IProfileStore>();
        var maintainer = services.GetRequiredService<ScopeMaintainer>();
        var pulls = services.GetRequiredService<PullService>();
        var pushes = services.GetRequiredService<PushService>();
        var inbox = services.GetRequiredService<IInbox>();
        var drainer = new QueueDrainer(services, azurite.ConnectionString, Step);
        var meter = new ScaleMeter(counter, drainer);
        var functions = new AppFunctions(services, key);
        await drainer.ResetAsync(cancellationToken);

        async Task<DrainResult> DrainAsync(string step)
        {
            var drained = await drainer.DrainAsync(DateTime.UtcNow + settings.StepBudget, cancellationToken);
            if (!drained.Complete)
            {
                run.Incomplete.Add(step);
                Step(string.Create(CultureInfo.InvariantCulture,
                    $"  {step}: the queues were not empty after {settings.StepBudget.TotalSeconds:0} s ({drained.Total} messages handled, about {drained.Left} left); its figures are a lower bound"));
            }
            if (drained.Failures > 0)
            {
                run.Failures[step] = drained.Failures;
            }
            return drained;
        }

        void Report(string step, Cost cost, string extra = "")
            => Step(string.Create(CultureInfo.InvariantCulture,
                $"  {step}: {cost.Transactions} transactions, {cost.EntitiesRead} entities read, {cost.NonKeyQueries} non-key queries, {cost.Seconds:0.00} s{extra}"));

        // ---- Setup (not measured) ----
        var world = new ScaleWorld(n, settings.Products, clock.GetUtcNow());
        var rows = world.AllRows().ToList();
        Step(string.Create(CultureInfo.InvariantCulture,
            $"seeding {rows.Count:N0} records ({settings.Products:N0} products, {n} technicians) through IRecordStore.TryWriteAllAsync, {settings.WriteParallelism} transactions at a time..."));
        var watch = Stopwatch.StartNew();
        counter.Reset();
        (run.SeedRecords, _, run.SeedEntities) = await ScaleSeeder.WriteAsync(records, store, rows, settings.WriteParallelism, cancellationToken);
        run.SeedTransactions = counter.Total;
        run.SeedSeconds = watch.Elapsed.TotalSeconds;
        Step(string.Create(CultureInfo.InvariantCulture,
            $"  seeded in {run.SeedSeconds:0.0} s ({run.SeedTransactions:N0} transactions, {run.SeedEntities:N0} entities with markers and index entries)"));
        rows.Clear();

        // The time-relative timer has been running all along: its first run ever (no cursor yet) re-evaluates the scopes of
        // every time-relative profile once, before any scope exists here; from then on it works from its cursor.
        await functions.ReevaluateTimeRelativeFiltersAsync(cancellationToken);
        await DrainAsync("setup");
        var profileId = await profiles.GetAssignmentAsync(ScaleWorld.User(1), cancellationToken);
        var profile = await profiles.GetAsync(profileId, cancellationToken) ?? throw new InvalidOperationException($"Profile {profileId} not found.");
        var registered = settings.RegisterAll ? n : Sample;
        run.TechniciansRegistered = registered;
        Step($"registering {registered} technician scopes (profile {profileId}), building the shared scope and technicians {MovedFrom}-{Sample}...");
        watch.Restart();
        // By default only the technicians whose scopes are built here are registered: in the app a scope is registered by
        // its first build, so a registered scope that is never built does not exist, and a write (or midnight) that reached
        // one would build it. The rest of the fleet's rows are all seeded: every fan-out and index read meets them.
        await Parallel.ForEachAsync(Enumerable.Range(1, registered), new ParallelOptions { MaxDegreeOfParallelism = settings.WriteParallelism, CancellationToken = cancellationToken },
            async (t, ct) => await feed.RegisterScopeAsync(new ScopeRegistration(ScopeIds.ForUser(ScaleWorld.User(t)), profileId, ScaleWorld.User(t)), ct));
        var sharedScope = ScopeIds.Shared(profileId);
        var mark = meter.Start();
        await feed.RegisterScopeAsync(new ScopeRegistration(sharedScope, profileId, null), cancellationToken);
        await maintainer.EvaluateAsync(sharedScope, cancellationToken);
        run.SharedScopeBuild = meter.Stop(mark);
        run.SharedScopeRows = (await feed.GetMembersAsync(sharedScope, cancellationToken)).Count(m => m.In);
        // The other copies of the shared scope devices hash to (SyncOptions.SharedScopeReplicas), as SyncBenchmark builds them.
        var copies = services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<SyncOptions>>().CurrentValue.SharedScopeReplicas;
        for (var replica = 1; replica < copies; replica++)
        {
            await feed.RegisterScopeAsync(new ScopeRegistration(ScopeIds.SharedCopy(profileId, replica), profileId, null), cancellationToken);
            await maintainer.EvaluateAsync(ScopeIds.SharedCopy(profileId, replica), cancellationToken);
        }
        for (var t = MovedFrom; t <= Sample; t++)
        {
            await maintainer.EnsureScopesAsync(ScaleWorld.User(t), cancellationToken);
        }
        // Warm-up (JIT, connections, the in-process profile cache): a device of another built technician syncs fully.
        await new InProcessDevice(pulls, ScaleWorld.User(Sample), "warmup-" + ScaleWorld.User(Sample)).SyncAsync(PullService.MaxPageSize, cancellationToken);
        await DrainAsync("setup");
        run.SetupSeconds = runWatch.Elapsed.TotalSeconds;
        Step(string.Create(CultureInfo.InvariantCulture, $"  setup done ({watch.Elapsed.TotalSeconds:0.0} s after the seed; shared scope {run.SharedScopeRows:N0} rows)"));
        var measureWatch = Stopwatch.StartNew();

        // ---- Measured ----
        var userA = ScaleWorld.User(Evaluated);
        var scopeA = ScopeIds.ForUser(userA);

        // 1. Whole-scope evaluation of a registered scope not built yet.
        mark = meter.Start();
        await maintainer.EvaluateAsync(scopeA, cancellationToken);
        await DrainAsync("whole_scope_evaluation");
        run.WholeScopeEvaluation = meter.Stop(mark);
        run.TechnicianRows = (await feed.GetMembersAsync(scopeA, cancellationToken)).Count(m => m.In);
        Report("whole-scope evaluation", run.WholeScopeEvaluation, string.Create(CultureInfo.InvariantCulture,
            $" ({run.TechnicianRows} rows; {ScaleWorld.ExpectedTechnicianRows(Evaluated)} expected)"));

        // 2. First syncs: technician 1 (scope built) and technician 2 (not built: the pull builds it).
        var tablet = new InProcessDevice(pulls, userA, userA + "-tablet");
        mark = meter.Start();
        var sync = await tablet.SyncAsync(PullService.MaxPageSize, cancellationToken);
        await DrainAsync("first_sync");
        run.FirstSync = meter.Stop(mark);
        run.FirstSyncRecords = sync.Records;
        run.FirstSyncPulls = sync.Pulls;
        Report("first sync (scope built)", run.FirstSync, string.Create(CultureInfo.InvariantCulture, $" ({sync.Records:N0} records in {sync.Pulls} pulls)"));

        var userB = ScaleWorld.User(Unbuilt);
        mark = meter.Start();
        var syncB = await new InProcessDevice(pulls, userB, userB + "-tablet").SyncAsync(PullService.MaxPageSize, cancellationToken);
        await DrainAsync("first_sync_unbuilt");
        run.FirstSyncUnbuilt = meter.Stop(mark);
        run.FirstSyncUnbuiltRecords = syncB.Records;
        Report("first sync (scope not built)", run.FirstSyncUnbuilt, string.Create(CultureInfo.InvariantCulture, $" ({syncB.Records:N0} records in {syncB.Pulls} pulls)"));

        // 3. An idle pull: the clock past the agenda's interval, so the agenda tables are due; nothing new.
        clock.Advance(profile.Tables[ScaleWorld.BookingTable].EffectiveSyncInterval + TimeSpan.FromMinutes(1));
        mark = meter.Start();
        var idle = await tablet.PullOnceAsync(PullService.MaxPageSize, cancellationToken);
        await DrainAsync("idle_pull");
        run.IdlePull = meter.Stop(mark);
        if (idle.HasMore || idle.Changes.Count > 0 || idle.SyncMode != SyncModes.DeltaSync)
        {
            throw new InvalidOperationException($"The idle pull was not idle: {idle.SyncMode}, {idle.Changes.Count} tables changed.");
        }
        Report("idle pull", run.IdlePull, string.Create(CultureInfo.InvariantCulture, $" ({idle.Status.Count(s => s.Synced)} tables due)"));

        // 4. A dispatcher moves one of technician 1's bookings an hour later (records API write, then its fan-out).
        var edited = ScaleWorld.Agenda(Evaluated).First(s => s.Day == 5 && s.Status == ScaleWorld.Scheduled);
        var editStart = world.Today.AddDays(edited.Day).AddHours(edited.Hour + 1);
        mark = meter.Start();
        Check(await records.UpdateAsync(ScaleWorld.BookingTable, ScaleWorld.BookingId(Evaluated, edited.Number), VersionCondition.Any,
            new Dictionary<string, object?> { ["starttime"] = editStart, ["endtime"] = editStart.AddHours(2) }, "dispatcher", cancellationToken), "the dispatcher's edit");
        await DrainAsync("dispatcher_edit");
        run.DispatcherEdit = meter.Stop(mark);
        Report("dispatcher edit", run.DispatcherEdit);

        // 5. A new booking for technician 1 pointing to a work order no one holds: it enters with its parts and tasks.
        var newBooking = ScaleWorld.BookingTable + "-" + userA + "-new";
        var newStart = world.Today.AddDays(2).AddHours(15);
        mark = meter.Start();
        Check(await records.CreateAsync(ScaleWorld.BookingTable, newBooking, new Dictionary<string, object?>
        {
            ["name"] = "New visit", ["starttime"] = newStart, ["endtime"] = newStart.AddHours(2), ["duration"] = 120L, ["resource"] = ScaleWorld.Resource(Evaluated),
            ["bookingstatus"] = ScaleWorld.Scheduled, ["workorder"] = ScaleWorld.UnassignedWorkOrderId(1), ["estimatedtravelduration"] = 30L,
        }, "dispatcher", cancellationToken), "the new booking");
        await DrainAsync("new_booking");
        run.NewBooking = meter.Stop(mark);
        var entered = await feed.GetMemberAsync(scopeA, ScaleWorld.WorkOrderTable, ScaleWorld.UnassignedWorkOrderId(1), cancellationToken);
        Report("new booking", run.NewBooking, entered is { In: true } ? " (its work order entered the scope)" : " (WARNING: its work order is not in the scope)");

        // 6. A booking moved from technician 3 to technician 4: both scopes change.
        var moved = ScaleWorld.Agenda(MovedFrom).First(s => s.Day == 3 && s.Status == ScaleWorld.Scheduled);
        mark = meter.Start();
        Check(await records.UpdateAsync(ScaleWorld.BookingTable, ScaleWorld.BookingId(MovedFrom, moved.Number), VersionCondition.Any,
            new Dictionary<string, object?> { ["resource"] = ScaleWorld.Resource(MovedTo) }, "dispatcher", cancellationToken), "the reassignment");
        await DrainAsync("reassignment");
        run.Reassignment = meter.Stop(mark);
        var movedWorkOrder = ScaleWorld.WorkOrderId(MovedFrom, moved.Number);
        var inTo = await feed.GetMemberAsync(ScopeIds.ForUser(ScaleWorld.User(MovedTo)), ScaleWorld.WorkOrderTable, movedWorkOrder, cancellationToken);
        var inFrom = await feed.GetMemberAsync(ScopeIds.ForUser(ScaleWorld.User(MovedFrom)), ScaleWorld.WorkOrderTable, movedWorkOrder, cancellationToken);
        Report("reassignment", run.Reassignment, inTo is { In: true } && inFrom is not { In: true } ? " (the work order moved)" : " (WARNING: the work order did not move)");

        // 7. Technician 1's tablet pushes 50 work order updates (a warm-up batch first): accept, apply, fan-out.
        var held = (await feed.GetBucketMembersAsync(scopeA, ScaleWorld.WorkOrderTable, cancellationToken)).Where(m => m.In).Select(m => m.Id).Order(StringComparer.Ordinal).Take(PushBatch).ToList();
        for (var sequence = 1; sequence <= 2; sequence++)
        {
            var changes = new List<PushChange>();
            foreach (var id in held)
            {
                var current = (await store.GetAsync(ScaleWorld.WorkOrderTable, id, cancellationToken))!.Record;
                changes.Add(new PushChange
                {
                    Action = ChangeAction.Update,
                    Table = ScaleWorld.WorkOrderTable,
                    Id = id,
                    BaseVersion = current.Version,
                    Values = JsonSerializer.SerializeToElement(new Dictionary<string, object>
                    {
                        ["instructions"] = string.Create(CultureInfo.InvariantCulture, $"Batch {sequence}: customer asks to call 15 minutes ahead; side gate code 4711."),
                    }),
                });
            }
            var batchId = string.Create(CultureInfo.InvariantCulture, $"scale-batch-{sequence}");
            mark = meter.Start();
            var outcome = await pushes.PushAsync(userA, new PushRequest(tablet.DeviceId, batchId, sequence, changes), cancellationToken);
            if (outcome.Failure != PushFailure.None)
            {
                throw new InvalidOperationException($"The push of {batchId} failed: {outcome.Failure} {outcome.Detail}");
            }
            await DrainAsync("push");
            var cost = meter.Stop(mark);
            var receipt = await inbox.GetBatchAsync(tablet.DeviceId, batchId, cancellationToken);
            var applied = receipt?.Outcomes.Count(o => o.Status == ChangeStatus.Applied) ?? 0;
            if (sequence == 2)
            {
                run.Push = cost;
                run.PushChanges = changes.Count;
                Report("push", cost, string.Create(CultureInfo.InvariantCulture, $" ({changes.Count} changes, {applied} applied: {(double)cost.Transactions / changes.Count:0.00} per change)"));
            }
        }

        // 8. A profile change: a copy of the default profile assigned to technicians 1-10 (as an admin does it), then
        //    its booking filter changed (canceled bookings stay on the agenda).
        var copy = JsonNode.Parse(profile.ToJson())!.AsObject();
        copy["id"] = CopyProfileId;
        copy["name"] = "Scale benchmark copy of the default profile";
        Expect(await functions.PutProfileAsync(CopyProfileId, copy.ToJsonString()), 200, "saving the profile copy");
        await DrainAsync("setup"); // the save's own work (no scope has the copy yet), so the assignments below do not meet it
        mark = meter.Start();
        for (var t = 1; t <= Sample; t++)
        {
            Expect(await functions.AssignProfileAsync(ScaleWorld.User(t), CopyProfileId), 200, "assigning the profile copy");
        }
        await DrainAsync("profile_assignment");
        run.ProfileAssignment = meter.Stop(mark);
        run.ProfileSample = Sample;
        Report("profile assignment", run.ProfileAssignment, string.Create(CultureInfo.InvariantCulture, $" ({Sample} technicians)"));
        copy["tables"]![ScaleWorld.BookingTable]!["filter"] = "resource eq @currentResource and endtime ge @today and bookingstatus ne 'bookingstatus-completed'";
        mark = meter.Start();
        Expect(await functions.PutProfileAsync(CopyProfileId, copy.ToJsonString()), 200, "changing the profile copy's filter");
        await DrainAsync("profile_change");
        run.ProfileChange = meter.Stop(mark);
        Report("profile change", run.ProfileChange, string.Create(CultureInfo.InvariantCulture, $" ({run.ProfileChangePerTechnician:0.0} per technician)"));

        // 9. Midnight: which built scopes hold a booking ending today (it leaves at midnight), then the timer at 00:01.
        var tomorrow = world.Today.AddDays(1);
        var withChanges = new HashSet<string>(StringComparer.Ordinal);
        long crossed = 0;
        var scopes = new List<ScopeRegistration>();
        for (string? after = null; ;)
        {
            var page = await feed.ListScopesAsync(null, after, 1000, cancellationToken);
            scopes.AddRange(page.Scopes);
            if ((after = page.Next) is null)
            {
                break;
            }
        }
        await Parallel.ForEachAsync(scopes.Where(r => r.UserId is not null), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (r, ct) =>
        {
            if (await feed.GetHeadAsync(r.ScopeId, ct) is null)
            {
                return; // not built: it holds nothing
            }
            var bookings = (await feed.GetBucketMembersAsync(r.ScopeId, ScaleWorld.BookingTable, ct)).Where(m => m.In).ToList();
            var read = await store.GetManyAsync([.. bookings.Select(m => (ScaleWorld.BookingTable, m.Id))], ct);
            var crossing = read.Count(b => b is { Record.Deleted: false } && b.Record.Values.GetValueOrDefault("endtime") is DateTimeOffset end && end < tomorrow);
            lock (withChanges)
            {
                run.ScopesBuilt++;
                if (crossing > 0)
                {
                    withChanges.Add(r.ScopeId);
                    crossed += crossing;
                }
            }
        });
        clock.SetUtcNow(tomorrow.AddMinutes(1));
        mark = meter.Start();
        await functions.ReevaluateTimeRelativeFiltersAsync(cancellationToken);
        var midnight = await DrainAsync("midnight");
        run.Midnight = meter.Stop(mark);
        run.MidnightMessages = midnight.Total;
        run.MidnightBookingsCrossed = crossed;
        run.MidnightScopesWithChanges = withChanges.Count;
        var evaluatedUserScopes = midnight.ScopesEvaluated.Where(ScopeIds.IsUserScope).ToHashSet(StringComparer.Ordinal);
        run.MidnightScopesEvaluated = midnight.ScopesEvaluated.Count;
        run.MidnightScopesEvaluatedWithoutChanges = midnight.ScopesEvaluated.Count(s => !withChanges.Contains(s));
        run.MidnightScopesWithChangesNotEvaluated = withChanges.Count(s => !evaluatedUserScopes.Contains(s));
        if (run.MidnightScopesEvaluatedWithoutChanges + run.MidnightScopesWithChangesNotEvaluated > 0)
        {
            Step("  midnight evaluated without a crossing row: " + string.Join(", ", midnight.ScopesEvaluated.Where(s => !withChanges.Contains(s)).Order(StringComparer.Ordinal).Take(10))
                + "; with one, not evaluated: " + string.Join(", ", withChanges.Where(s => !evaluatedUserScopes.Contains(s)).Order(StringComparer.Ordinal).Take(10)));
        }
        Report("midnight", run.Midnight, string.Create(CultureInfo.InvariantCulture,
            $" ({midnight.Total} messages; {run.MidnightScopesEvaluated} scopes evaluated, {run.MidnightScopesWithChanges} of {run.ScopesBuilt} built hold one of {crossed} bookings that crossed)"));

        run.MeasureSeconds = measureWatch.Elapsed.TotalSeconds;
        run.TotalSeconds = runWatch.Elapsed.TotalSeconds;
        if (azurite.HasExited)
        {
            throw new InvalidOperationException("Azurite ended during the run:" + Environment.NewLine + azurite.RecentOutput);
        }
        Step(string.Create(CultureInfo.InvariantCulture, $"done in {run.TotalSeconds:0} s (seed {run.SeedSeconds:0} s, setup {run.SetupSeconds:0} s, measured {run.MeasureSeconds:0} s)"));
        return run;
    }

    private static void Check(RecordResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{what} failed: {result.Outcome} {result.Detail}");
        }
    }

    private static void Expect(int status, int expected, string what)
    {
        if (status != expected)
        {
            throw new InvalidOperationException($"{what} answered {status}.");
        }
    }
}
