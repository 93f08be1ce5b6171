using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FieldSync.LocalHost.Hosting;

/// <summary>Binds timerTrigger functions: resolves and parses the schedule, binds TimerInfo.</summary>
internal static class TimerTriggers
{
    public sealed record Binding(BoundFunction Function, FunctionInvoker Invoker, TimerSchedule Schedule, bool RunOnStartup);

    public static Binding Bind(FunctionMetadata function, Assembly assembly, IConfiguration configuration)
    {
        var trigger = function.Trigger;
        var written = FunctionMetadata.Text(trigger, "schedule")
            ?? throw new InvalidOperationException($"Function '{function.Name}': timerTrigger has no schedule.");
        var resolved = SettingNames.Resolve(written, configuration, function.Name, "schedule");
        TimerSchedule schedule;
        try
        {
            schedule = TimerSchedule.Parse(resolved);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"Function '{function.Name}': {ex.Message}", ex);
        }
        var triggerName = FunctionMetadata.Text(trigger, "name");
        var invoker = FunctionInvoker.Create(function, assembly, parameter =>
            parameter.Name == triggerName && parameter.ParameterType == typeof(TimerInfo)
                ? invocation => ValueTask.FromResult<object?>(invocation.Trigger)
                : null);

        return new Binding(
            new BoundFunction(function.Name, function.EntryPoint, TriggerKind.Timer, null, [], null, schedule.Expression),
            invoker, schedule, FunctionMetadata.Flag(trigger, "runOnStartup"));
    }
}

/// <summary>
/// Fires one timer function at each occurrence of its schedule (UTC), never overlapping itself: an
/// occurrence missed while the previous run was still going is skipped, as in the real host.
/// "Now" and the waits come from the DI TimeProvider, so tests can substitute time.
/// </summary>
internal sealed class TimerTriggerRunner : BackgroundService
{
    // Later than this past its occurrence and the invocation reports IsPastDue.
    private static readonly TimeSpan PastDueTolerance = TimeSpan.FromSeconds(1);

    private readonly TimerTriggers.Binding _binding;
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public TimerTriggerRunner(TimerTriggers.Binding binding, IServiceProvider services)
    {
        _binding = binding;
        _services = services;
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("FieldSync.LocalHost.Timer");
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = _binding.Schedule;
        DateTimeOffset? last = null;
        if (_binding.RunOnStartup)
        {
            var now = _time.GetUtcNow();
            await InvokeAsync(new TimerInfo { IsPastDue = false, ScheduleStatus = Status(null, schedule.GetNextOccurrence(now), now) }, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            // Never before the last occurrence we fired: a timer that wakes a hair early must not fire it twice.
            var due = schedule.GetNextOccurrence(last is { } l && l > now ? l : now);
            if (due is not { } occurrence)
            {
                _logger.LogWarning("Timer {Function}: schedule '{Schedule}' has no further occurrences", _binding.Function.Name, schedule);
                return;
            }
            try
            {
                var wait = occurrence - now;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var fired = _time.GetUtcNow();
            await InvokeAsync(new TimerInfo
            {
                IsPastDue = fired - occurrence > PastDueTolerance,
                ScheduleStatus = Status(last, schedule.GetNextOccurrence(occurrence), fired),
            }, stoppingToken);
            last = occurrence;
        }
    }

    private static ScheduleStatus Status(DateTimeOffset? last, DateTimeOffset? next, DateTimeOffset updated) => new()
    {
        Last = last?.UtcDateTime ?? default,
        Next = next?.UtcDateTime ?? default,
        LastUpdated = updated.UtcDateTime,
    };

    private async Task InvokeAsync(TimerInfo info, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = _services.CreateAsyncScope();
            await _binding.Invoker.InvokeAsync(new Invocation(scope.ServiceProvider, info, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (Exception ex)
        {
            // A failed run does not stop the schedule, as in the real host.
            _logger.LogError(ex, "Timer function {Function} failed", _binding.Function.Name);
        }
    }
}
