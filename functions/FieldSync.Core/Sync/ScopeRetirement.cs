using FieldSync.Core.Devices;
using FieldSync.Core.Cleanup;
using Microsoft.Extensions.Logging;

namespace FieldSync.Core.Sync;

/// <summary>
/// Drops the scope of a user who has no device left (the cleanup timer removed the last one). The scope is listed
/// first, then its head is marked retiring (conditional on its ETag: floors raised at a reserved seq, so every old
/// checkpoint must start over), then its partition is deleted in chunks, each conditional on the head, with the
/// reverse-index entries of its members; what is left continues on the next run. The head stays, retired, and the
/// registration is marked retired so that fan-outs by registration skip it. A device of the user that comes back at
/// any point makes its first sync finish the deletion and build the scope again above the raised floors
/// (<see cref="FinishAsync"/>, called by <see cref="ScopeMaintainer.EnsureScopesAsync"/>). Shared scopes belong to
/// profiles and are never retired.
/// </summary>
public sealed class ScopeRetirement(IFeedStore feed, IScopeRetirements store, IDeviceRegistry devices, ILogger<ScopeRetirement> logger)
{
    /// <summary>An entity-group transaction holds 100 actions; one is the head's.</summary>
    public const int MaxChunkRows = 99;

    /// <summary>How many listed scopes one run looks at.</summary>
    private const int ScopesPerRun = 100;

    /// <summary>Lists the user's scope for retirement; the next <see cref="ContinueAsync"/> checks again that no device is left.</summary>
    public Task EnlistAsync(string userId, CancellationToken cancellationToken) => store.EnlistAsync(ScopeIds.ForUser(userId), cancellationToken);

    /// <summary>Continues the listed retirements with at most <paramref name="chunkBudget"/> chunks of <paramref name="chunkSize"/> rows.</summary>
    public async Task<RetirementReport> ContinueAsync(int chunkBudget, int chunkSize, CancellationToken cancellationToken)
    {
        var listed = await store.ListAsync(ScopesPerRun, cancellationToken);
        int retired = 0, chunks = 0, rows = 0;
        var more = listed.Count >= ScopesPerRun;
        foreach (var scopeId in listed)
        {
            if (chunks >= chunkBudget)
            {
                more = true;
                break;
            }
            var head = await feed.GetHeadAsync(scopeId, cancellationToken);
            if (head is { State: ScopeState.Live })
            {
                // Checked again here, just before the mark: a device bound since it was listed keeps the scope.
                if (!ScopeIds.IsUserScope(scopeId) || (await devices.ListByUserAsync(ScopeIds.UserOf(scopeId), cancellationToken)).Count > 0)
                {
                    await store.DelistAsync(scopeId, cancellationToken);
                    continue;
                }
                if (!await store.BeginAsync(head, cancellationToken))
                {
                    more = true; // the head moved (an evaluation committed): the next run tries again
                    continue;
                }
                head = await feed.GetHeadAsync(scopeId, cancellationToken);
            }
            while (head is { State: ScopeState.Retiring } && chunks < chunkBudget)
            {
                var step = await store.DeleteChunkAsync(head, chunkSize, cancellationToken);
                chunks++;
                rows += step.Deleted;
                head = step.Head ?? await feed.GetHeadAsync(scopeId, cancellationToken);
            }
            switch (head?.State)
            {
                case null or ScopeState.Live:
                    // Never built, or a device came back and its first sync rebuilt the scope: nothing to retire.
                    await store.DelistAsync(scopeId, cancellationToken);
                    break;
                case ScopeState.Retired when await store.MarkRegistrationRetiredAsync(scopeId, cancellationToken):
                    await store.DelistAsync(scopeId, cancellationToken);
                    retired++;
                    CleanupLog.ScopeRetired(logger, scopeId);
                    break;
                default:
                    more = true; // chunks left, or a comeback is re-registering it: the next run looks again
                    break;
            }
        }
        return new RetirementReport(retired, chunks, rows, more);
    }

    /// <summary>
    /// For a device's first sync that finds its user's scope retiring: deletes what is left (the rows of one scope, as
    /// many as a first build writes) so that the build starts from nothing. Returns the head afterwards.
    /// </summary>
    public static async Task<ScopeHead?> FinishAsync(IFeedStore feed, IScopeRetirements store, ScopeHead head, CancellationToken cancellationToken)
    {
        ScopeHead? current = head;
        // Bounded: each step deletes rows or loses a race to another writer that deleted some.
        for (var step = 0; step < 100_000 && current is { State: ScopeState.Retiring }; step++)
        {
            var done = await store.DeleteChunkAsync(current, MaxChunkRows, cancellationToken);
            current = done.Head ?? await feed.GetHeadAsync(head.ScopeId, cancellationToken);
        }
        return current;
    }
}
