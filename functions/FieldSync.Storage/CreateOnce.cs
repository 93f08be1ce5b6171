namespace FieldSync.Storage;

/// <summary>
/// Creates a store's tables or queues on first use, once. Unlike a <c>Lazy&lt;Task&gt;</c>, a failed or cancelled
/// attempt is not kept: the next caller starts a new one, so one transient storage error (a 503, a timeout)
/// does not break the store until the process restarts. Callers that arrive while an attempt runs share it.
/// </summary>
public sealed class CreateOnce(Func<Task> create)
{
    private readonly Lock gate = new();
    private Task? attempt;

    /// <summary>The creation: done, running, or (after a failed attempt) started again.</summary>
    public Task Value
    {
        get
        {
            lock (gate)
            {
                if (attempt is null || attempt.IsFaulted || attempt.IsCanceled)
                {
                    // Started under the lock so concurrent first callers share one attempt; create() only starts the
                    // requests. A synchronous throw leaves the old attempt in place, so the next call tries again.
                    attempt = create();
                }
                return attempt;
            }
        }
    }
}
