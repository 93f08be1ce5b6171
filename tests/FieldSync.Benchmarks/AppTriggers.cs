using System.Reflection;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using FieldSync.Functions.Http;
using FieldSync.Functions.Queues;
using FieldSync.Functions.Timers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.Benchmarks;

/// <summary>What one drain of the app's queues did.</summary>
/// <param name="Messages">Messages handled, by queue.</param>
/// <param name="ScopesEvaluated">Scope ids of the scope-evaluation messages handled (distinct).</param>
/// <param name="Complete">False when the deadline came before the queues were empty.</param>
/// <param name="Left">Messages still queued when it stopped (approximate, as the service counts them).</param>
internal sealed record DrainResult(IReadOnlyDictionary<string, long> Messages, IReadOnlySet<string> ScopesEvaluated, bool Complete, long Left, long Failures)
{
    public long Total => Messages.Values.Sum();
}

/// <summary>
/// Plays the function app's queue triggers in-process, as the host would: every function of the app with a
/// <see cref="QueueTriggerAttribute"/> (found by reflection in the functions assembly, so a queue the app adds is
/// drained too) is called with each message of its queue, from an instance built from the benchmark's services. A
/// trigger takes up to 16 messages at a time (host.json's batchSize) and runs them one after the other; a message is
/// deleted when its function returns; one that throws is retried, and moved to its poison queue after 5 attempts
/// (host.json's maxDequeueCount), as the host does. A receive that finds nothing is the trigger's idle polling, paid
/// whether or not there is work: it is not counted (<see cref="UncountedByOperation"/> lets a meter take it out).
/// </summary>
internal sealed class QueueDrainer
{
    private const int TriggerBatchSize = 16;
    private const int MaxDequeueCount = 5;

    private readonly IServiceProvider services;
    private readonly QueueServiceClient queues;
    private readonly QueueServiceClient uncounted;
    private readonly Action<string> log;
    private readonly List<Trigger> triggers;
    private readonly Dictionary<Type, object> instances = [];
    private readonly Dictionary<string, long> uncountedByOperation = new(StringComparer.Ordinal);

    private sealed record Trigger(string Queue, MethodInfo Method);

    public QueueDrainer(IServiceProvider services, string connectionString, Action<string> log)
    {
        this.services = services;
        this.log = log;
        queues = services.GetRequiredService<QueueServiceClient>();
        // Not counted: creating the queues, and checking whether delayed messages are still to come.
        uncounted = new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        triggers = Discover();
    }

    /// <summary>The queues drained, in the order each pass visits them.</summary>
    public IReadOnlyList<string> Queues => [.. triggers.Select(t => t.Queue)];

    /// <summary>Transactions a meter must not count (empty receives), by the counter's operation name.</summary>
    public IReadOnlyDictionary<string, long> UncountedByOperation => uncountedByOperation;

    public long Uncounted => uncountedByOperation.Values.Sum();

    private static List<Trigger> Discover()
    {
        var found = new List<Trigger>();
        foreach (var type in typeof(FeedQueueFunctions).Assembly.GetTypes().Where(t => t.IsClass && t.IsPublic).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is null)
                {
                    continue;
                }
                var queue = method.GetParameters().Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()?.QueueName).FirstOrDefault(q => q is not null);
                if (queue is not null)
                {
                    found.Add(new Trigger(queue, method));
                }
            }
        }
        if (found.Count == 0)
        {
            throw new InvalidOperationException("No queue-triggered function found in the function app.");
        }
        // The record-change fan-out first, then what it queues, then the rest in name order: the order work flows.
        return [.. found.OrderBy(t => t.Queue switch { QueueNames.Push => 0, QueueNames.RecordChanges => 1, QueueNames.ScopeEvaluations => 2, _ => 3 })
            .ThenBy(t => t.Queue, StringComparer.Ordinal)];
    }

    /// <summary>Creates every queue a trigger reads (not counted) and empties it.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        foreach (var trigger in triggers)
        {
            var queue = uncounted.GetQueueClient(trigger.Queue);
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await queue.ClearMessagesAsync(cancellationToken);
        }
    }

    /// <summary>Runs the triggers until every queue is empty (or <paramref name="deadline"/> passes).</summary>
    public async Task<DrainResult> DrainAsync(DateTime deadline, CancellationToken cancellationToken)
    {
        var messages = new Dictionary<string, long>(StringComparer.Ordinal);
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        long failures = 0;
        while (true)
        {
            var any = false;
            foreach (var trigger in triggers)
            {
                var client = queues.GetQueueClient(trigger.Queue);
                QueueMessage[] batch;
                try
                {
                    batch = (await client.ReceiveMessagesAsync(TriggerBatchSize, TimeSpan.FromMinutes(5), cancellationToken)).Value;
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    await uncounted.GetQueueClient(trigger.Queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                    batch = [];
                }
                if (batch.Length == 0)
                {
                    var operation = "GET " + trigger.Queue;
                    uncountedByOperation[operation] = uncountedByOperation.GetValueOrDefault(operation) + 1;
                    continue;
                }
                any = true;
                foreach (var message in batch)
                {
                    var body = message.Body.ToString();
                    try
                    {
                        await InvokeAsync(trigger, body, cancellationToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        failures++;
                        var inner = ex is TargetInvocationException { InnerException: { } e } ? e : ex;
                        log($"  {trigger.Method.DeclaringType!.Name}.{trigger.Method.Name} failed (attempt {message.DequeueCount}): {inner.GetType().Name}: {inner.Message}");
                        if (message.DequeueCount >= MaxDequeueCount && triggers.Any(t => t.Queue == trigger.Queue + "-poison"))
                        {
                            await queues.GetQueueClient(trigger.Queue + "-poison").SendMessageAsync(body, cancellationToken);
                            await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                        }
                        else
                        {
                            await client.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: cancellationToken);
                        }
                        continue;
                    }
                    await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                    messages[trigger.Queue] = messages.GetValueOrDefault(trigger.Queue) + 1;
                    if (trigger.Queue.StartsWith(QueueNames.ScopeEvaluations, StringComparison.Ordinal) && ScopeIdOf(body) is { } scope)
                    {
                        scopes.Add(scope);
                    }
                }
            }
            if (any)
            {
                if (DateTime.UtcNow > deadline)
                {
                    return new DrainResult(messages, scopes, false, await LeftAsync(cancellationToken), failures);
                }
                continue;
            }
            // Nothing visible: done, unless a message is queued with a delay (visible later).
            var left = await LeftAsync(cancellationToken);
            if (left == 0)
            {
                return new DrainResult(messages, scopes, true, 0, failures);
            }
            if (DateTime.UtcNow > deadline)
            {
                return new DrainResult(messages, scopes, false, left, failures);
            }
            await Task.Delay(250, cancellationToken);
        }
    }

    private async Task<long> LeftAsync(CancellationToken cancellationToken)
    {
        long left = 0;
        foreach (var trigger in triggers)
        {
            left += (await uncounted.GetQueueClient(trigger.Queue).GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount;
        }
        return left;
    }

    private async Task InvokeAsync(Trigger trigger, string body, CancellationToken cancellationToken)
    {
        var type = trigger.Method.DeclaringType!;
        if (!instances.TryGetValue(type, out var instance))
        {
            instances[type] = instance = ActivatorUtilities.CreateInstance(services, type);
        }
        var arguments = trigger.Method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(string) => (object?)body,
            var t when t == typeof(CancellationToken) => cancellationToken,
            var t when t == typeof(BinaryData) => BinaryData.FromString(body),
            _ => throw new InvalidOperationException($"{type.Name}.{trigger.Method.Name}: cannot bind parameter {p.Name} of type {p.ParameterType.Name}."),
        }).ToArray();
        if (trigger.Method.Invoke(instance, arguments) is Task task)
        {
            await task;
        }
    }

    private static string? ScopeIdOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.NameEquals("scopeId") || property.Name.Equals("ScopeId", StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value.GetString();
                }
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}

/// <summary>The app's timer and admin HTTP functions, called in-process with what the host would pass.</summary>
internal sealed class AppFunctions(IServiceProvider services, byte[] signingKey)
{
    private T Create<T>() => ActivatorUtilities.CreateInstance<T>(services);

    /// <summary>The 15-minute timer that re-evaluates time-relative filters (FeedTimerFunctions).</summary>
    public Task ReevaluateTimeRelativeFiltersAsync(CancellationToken cancellationToken)
        => Create<FeedTimerFunctions>().ReevaluateTimeRelativeFilters(new TimerInfo(), cancellationToken);

    /// <summary><c>PUT /api/admin/profiles/{id}</c> by an admin; returns the status code.</summary>
    public async Task<int> PutProfileAsync(string profileId, string json)
        => await ExecuteAsync(Create<ProfilesFunctions>().PutProfile(Request("PUT", json), profileId));

    /// <summary><c>PUT /api/admin/assignments/{userId}</c> by an admin; returns the status code.</summary>
    public async Task<int> AssignProfileAsync(string userId, string profileId)
        => await ExecuteAsync(Create<ProfilesFunctions>().AssignProfile(Request("PUT", JsonSerializer.Serialize(new { profileId })), userId));

    private HttpRequest Request(string method, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        context.Request.Headers.Authorization = "Bearer " + LocalTokens.Issue(signingKey, "scale-admin", [Roles.Admin], TimeSpan.FromDays(7), DateTimeOffset.UtcNow);
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    private static async Task<int> ExecuteAsync(Task<IActionResult> call)
    {
        var result = await call;
        // The result writes the response as the host would; its status is the answer's.
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = new MemoryStream();
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return context.Response.StatusCode;
    }
}
