using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FieldSync.LocalHost.Hosting;

/// <summary>Binds queueTrigger functions: resolves queue and connection, picks the payload binder.</summary>
internal static class QueueTriggers
{
    private static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public sealed record Binding(BoundFunction Function, FunctionInvoker Invoker, string ConnectionString);

    public static Binding Bind(FunctionMetadata function, Assembly assembly, IConfiguration configuration)
    {
        var trigger = function.Trigger;
        var queueSetting = FunctionMetadata.Text(trigger, "queueName")
            ?? throw new InvalidOperationException($"Function '{function.Name}': queueTrigger has no queueName.");
        // The host lower-cases queue names (Azure queue names are lower case).
        var queueName = SettingNames.Resolve(queueSetting, configuration, function.Name, "queue name").ToLowerInvariant();
        var connection = ResolveConnection(FunctionMetadata.Text(trigger, "connection"), configuration, function.Name);
        var triggerName = FunctionMetadata.Text(trigger, "name");

        var invoker = FunctionInvoker.Create(function, assembly, parameter =>
            parameter.Name == triggerName ? PayloadBinder(parameter.ParameterType) : null);

        return new Binding(new BoundFunction(function.Name, function.EntryPoint, TriggerKind.Queue, null, [], queueName, null), invoker, connection);
    }

    /// <summary>The trigger parameter may be the message text, its bytes, the QueueMessage itself, or a POCO from JSON.</summary>
    private static ParameterBinder PayloadBinder(Type type)
    {
        static QueueMessage Message(Invocation invocation) => (QueueMessage)invocation.Trigger;
        if (type == typeof(string))
        {
            return i => ValueTask.FromResult<object?>(Message(i).Body.ToString());
        }
        if (type == typeof(BinaryData))
        {
            return i => ValueTask.FromResult<object?>(Message(i).Body);
        }
        if (type == typeof(byte[]))
        {
            return i => ValueTask.FromResult<object?>(Message(i).Body.ToArray());
        }
        if (type == typeof(QueueMessage))
        {
            return i => ValueTask.FromResult<object?>(Message(i));
        }
        // A malformed payload throws here, which counts as a failed attempt like any function failure.
        return i => ValueTask.FromResult(JsonSerializer.Deserialize(Message(i).Body.ToMemory().Span, type, PayloadJson));
    }

    /// <summary>
    /// Finds a connection string the way the WebJobs host does: "AzureWebJobs&lt;name&gt;" first, then
    /// "&lt;name&gt;", each as a ConnectionStrings entry or a plain setting. No name means AzureWebJobsStorage.
    /// </summary>
    private static string ResolveConnection(string? name, IConfiguration configuration, string functionName)
    {
        name = string.IsNullOrEmpty(name) ? "AzureWebJobsStorage" : name;
        foreach (var candidate in new[] { "AzureWebJobs" + name, name })
        {
            if ((configuration.GetConnectionString(candidate) ?? configuration[candidate]) is { Length: > 0 } value)
            {
                return value;
            }
        }
        throw new InvalidOperationException(
            $"Function '{functionName}': connection '{name}' is not configured (identity-based connections are not supported by the local host).");
    }
}

/// <summary>
/// Polls one queue and runs its function, with host.json's queue semantics: batches of batchSize run
/// concurrently, a new batch once no more than newBatchThreshold are running, exponential back-off
/// to maxPollingInterval while empty, delete on success, retry after visibilityTimeout on failure,
/// and after maxDequeueCount failed attempts the message moves to &lt;queue&gt;-poison.
/// </summary>
internal sealed class QueueTriggerListener : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    // Messages stay invisible this long while running (the real host renews; a local run is short enough not to).
    private static readonly TimeSpan ProcessingVisibility = TimeSpan.FromMinutes(10);

    private readonly QueueTriggers.Binding _binding;
    private readonly QueueTriggerSettings _settings;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;

    public QueueTriggerListener(QueueTriggers.Binding binding, QueueTriggerSettings settings, IServiceProvider services)
    {
        _binding = binding;
        _settings = settings;
        _services = services;
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("FieldSync.LocalHost.Queue");
        var options = new QueueClientOptions
        {
            MessageEncoding = settings.MessageEncoding == "none" ? QueueMessageEncoding.None : QueueMessageEncoding.Base64,
        };
        var queueName = binding.Function.QueueName!;
        _queue = new QueueClient(binding.ConnectionString, queueName, options);
        _poison = new QueueClient(binding.ConnectionString, queueName + "-poison", options);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = MinPollingInterval;
        var running = new List<Task>();
        var queueCreated = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(t => t.IsCompleted);
            if (running.Count > _settings.NewBatchThreshold)
            {
                await Task.WhenAny(running);
                continue;
            }

            QueueMessage[] messages;
            try
            {
                if (!queueCreated)
                {
                    // The real host creates a missing trigger queue too, so a fresh Azurite just works.
                    await _queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                    queueCreated = true;
                }
                messages = (await _queue.ReceiveMessagesAsync(_settings.BatchSize, ProcessingVisibility, stoppingToken)).Value;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Storage unreachable or refusing: keep polling with back-off rather than stop the host.
                _logger.LogWarning(ex, "Polling queue {Queue} for {Function} failed", _binding.Function.QueueName, _binding.Function.Name);
                messages = [];
            }

            if (messages.Length == 0)
            {
                try
                {
                    // Real time, not the DI TimeProvider: a test that freezes application time must not freeze polling.
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(_settings.MaxPollingInterval.Ticks, MinPollingInterval.Ticks)));
                continue;
            }

            delay = MinPollingInterval;
            foreach (var message in messages)
            {
                // Task.Run: a function that blocks synchronously must not stall polling or its batch-mates.
                running.Add(Task.Run(() => ProcessAsync(message, stoppingToken), CancellationToken.None));
            }
        }
        await Task.WhenAll(running);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        var function = _binding.Function;
        try
        {
            if (message.DequeueCount > _settings.MaxDequeueCount)
            {
                // Already failed too often (e.g. a host died mid-run): don't run it again.
                await MoveToPoisonAsync(message);
                return;
            }

            try
            {
                await using var scope = _services.CreateAsyncScope();
                await _binding.Invoker.InvokeAsync(new Invocation(scope.ServiceProvider, message, stoppingToken));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: hand the message back untouched for the next run.
                await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Function {Function} failed on message {MessageId} of queue {Queue} (attempt {Attempt} of {Max})",
                    function.Name, message.MessageId, function.QueueName, message.DequeueCount, _settings.MaxDequeueCount);
                if (message.DequeueCount >= _settings.MaxDequeueCount)
                {
                    await MoveToPoisonAsync(message);
                }
                else
                {
                    await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
                }
                return;
            }

            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Deleting, releasing or poisoning failed: the message reappears after its visibility timeout.
            _logger.LogError(ex, "Queue bookkeeping for message {MessageId} of queue {Queue} failed", message.MessageId, function.QueueName);
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message)
    {
        _logger.LogWarning("Moving message {MessageId} of queue {Queue} to {PoisonQueue} after {Attempts} attempts",
            message.MessageId, _binding.Function.QueueName, _poison.Name, message.DequeueCount);
        await _poison.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
        await _poison.SendMessageAsync(message.Body, cancellationToken: CancellationToken.None);
        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
    }
}
