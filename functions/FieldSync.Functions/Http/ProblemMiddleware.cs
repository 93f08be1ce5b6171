using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>
/// Worker middleware for the Azure Functions app: an HTTP function that throws answers the internal-error problem
/// (<see cref="ApiResults.InternalError"/>) instead of the host's bare 500. It runs inside the ASP.NET Core
/// integration's middleware, which writes whatever IActionResult the invocation ends with, so setting the
/// result is enough. Queue and timer functions are left alone: their host must see the failure to retry them.
/// </summary>
public sealed partial class ProblemMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!IsHttp(context))
        {
            await next(context);
            return;
        }
        var logger = context.InstanceServices.GetRequiredService<ILogger<ProblemMiddleware>>();
        var result = await RunAsync(() => next(context), context.FunctionDefinition.Name, logger,
            () => context.GetHttpContext()?.RequestAborted.IsCancellationRequested == true);
        if (result is not null)
        {
            context.GetInvocationResult().Value = result;
        }
    }

    /// <summary>
    /// Runs a function invocation; if it throws, logs the exception and returns the problem to answer with. A
    /// cancellation because the caller went away is not an error (nobody is left to answer) and returns null too.
    /// </summary>
    public static async Task<IActionResult?> RunAsync(Func<Task> invoke, string function, ILogger logger, Func<bool> callerGone)
    {
        ArgumentNullException.ThrowIfNull(invoke);
        ArgumentNullException.ThrowIfNull(callerGone);
        try
        {
            await invoke();
            return null;
        }
        catch (OperationCanceledException) when (callerGone())
        {
            return null;
        }
#pragma warning disable CA1031 // The point of this middleware: every failure becomes a problem answer.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            FunctionFailed(logger, ex, function);
            return ApiResults.InternalError(function);
        }
    }

    private static bool IsHttp(FunctionContext context)
        => context.FunctionDefinition.InputBindings.Values.Any(b => string.Equals(b.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(EventId = 5000, Level = LogLevel.Error, Message = "HTTP function {Function} failed; answered 500 internal-error")]
    private static partial void FunctionFailed(ILogger logger, Exception exception, string function);
}
