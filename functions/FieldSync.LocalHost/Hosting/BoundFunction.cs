namespace FieldSync.LocalHost.Hosting;

/// <summary>The kind of trigger a bound function has.</summary>
public enum TriggerKind
{
    /// <summary>httpTrigger: served as a route under the host.json route prefix.</summary>
    Http,
    /// <summary>queueTrigger: a background listener polls the queue.</summary>
    Queue,
    /// <summary>timerTrigger: fired on its schedule.</summary>
    Timer,
}

/// <summary>
/// A function from functions.metadata that the local host bound, with its settings resolved
/// (<c>%Setting%</c> names replaced by configuration values).
/// </summary>
/// <param name="Name">The function name.</param>
/// <param name="EntryPoint">"Namespace.Type.Method" in the functions assembly.</param>
/// <param name="Trigger">The trigger kind.</param>
/// <param name="Route">HTTP: the full route template including the prefix, e.g. "api/records/{type}"; otherwise null.</param>
/// <param name="Methods">HTTP: the allowed methods in upper case; empty means any method. Otherwise empty.</param>
/// <param name="QueueName">Queue: the resolved queue name; otherwise null.</param>
/// <param name="Schedule">Timer: the resolved schedule (NCRONTAB with seconds, or a TimeSpan); otherwise null.</param>
public sealed record BoundFunction(
    string Name,
    string EntryPoint,
    TriggerKind Trigger,
    string? Route,
    IReadOnlyList<string> Methods,
    string? QueueName,
    string? Schedule);
