using FieldSync.Core.Profiles;

namespace FieldSync.Core.Sync;

/// <summary>Stored offline profiles and which profile each user has.</summary>
public interface IProfileStore
{
    /// <summary>A stored profile, or the built-in default profile when its id is asked for and none is stored. Always current.</summary>
    Task<OfflineProfile?> GetAsync(string profileId, CancellationToken cancellationToken);

    /// <summary>
    /// The profile at <paramref name="revision"/> from memory when this instance has seen it, else as
    /// <see cref="GetAsync"/>. For pulls, whose scope head names the revision it was evaluated with.
    /// </summary>
    Task<OfflineProfile?> GetRevisionAsync(string profileId, string? revision, CancellationToken cancellationToken);

    Task<IReadOnlyList<OfflineProfile>> ListAsync(CancellationToken cancellationToken);

    Task SaveAsync(OfflineProfile profile, CancellationToken cancellationToken);

    /// <summary>The profile assigned to the user; the default profile's id when none is.</summary>
    Task<string> GetAssignmentAsync(string userId, CancellationToken cancellationToken);

    Task AssignAsync(string userId, string profileId, CancellationToken cancellationToken);

    Task<IReadOnlyList<(string UserId, string ProfileId)>> ListAssignmentsAsync(CancellationToken cancellationToken);
}

/// <summary>Work for the change-feed queues.</summary>
public interface IFeedWork
{
    /// <summary>Asks for one scope to be re-evaluated (its buckets recomputed from the records).</summary>
    Task EnqueueScopeAsync(string scopeId, CancellationToken cancellationToken);

    /// <summary>Asks for one scope to be re-evaluated once <paramref name="delay"/> has passed.</summary>
    Task EnqueueScopeAsync(string scopeId, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Asks for written records (and what depends on them) to be evaluated in one scope, together.</summary>
    Task EnqueueRecordsAsync(string scopeId, IReadOnlyList<RecordKey> records, CancellationToken cancellationToken);

    /// <summary>Asks for one page of work over many scopes or rows (see <see cref="FeedSweepMessage"/>), after <paramref name="delay"/> when given.</summary>
    Task EnqueueSweepAsync(FeedSweepMessage message, CancellationToken cancellationToken, TimeSpan? delay = null);
}

/// <summary>The queue names, used by the function attributes and by the code that enqueues, so each is written once.</summary>
public static class QueueNames
{
    public const string RecordChanges = "fieldsync-record-changes";
    /// <summary>
    /// Where the host moves a record change that failed maxDequeueCount times. Nothing consumes it: the record's
    /// pending fan-out marker makes the SweepPendingFanOut timer send the fan-out again. It exists for operators.
    /// </summary>
    public const string RecordChangesPoison = RecordChanges + "-poison";
    public const string ScopeEvaluations = "fieldsync-scope-evaluations";
    /// <summary>Where the host moves a scope evaluation that failed maxDequeueCount times (host.json).</summary>
    public const string ScopeEvaluationsPoison = ScopeEvaluations + "-poison";
    public const string Push = "fieldsync-push";
    /// <summary>Where the host moves a push message that failed maxDequeueCount times (host.json).</summary>
    public const string PushPoison = Push + "-poison";
    public const string FeedSweeps = "fieldsync-feed-sweeps";
    /// <summary>Where the host moves a sweep page that failed maxDequeueCount times (host.json).</summary>
    public const string FeedSweepsPoison = FeedSweeps + "-poison";

    /// <summary>Every queue the app uses, poison queues included (the deployment template creates exactly these).</summary>
    public static readonly IReadOnlyList<string> All =
        [RecordChanges, RecordChangesPoison, ScopeEvaluations, ScopeEvaluationsPoison, Push, PushPoison, FeedSweeps, FeedSweepsPoison];
}
