using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Logging;
using FromBodyAttribute = Microsoft.Azure.Functions.Worker.Http.FromBodyAttribute;

namespace FieldSync.LocalHost.Hosting;

/// <summary>Binds httpTrigger functions to Kestrel routes and runs them.</summary>
internal static class HttpTriggers
{
    /// <summary>The problem type of a request that no function serves (as opposed to a function's own 404).</summary>
    public const string NoSuchRouteProblemType = "urn:fieldsync:problem:no-such-route";

    public sealed record Binding(BoundFunction Function, FunctionInvoker Invoker);

    public static Binding Bind(FunctionMetadata function, Assembly assembly, string routePrefix)
    {
        var trigger = function.Trigger;
        // The Functions host's default route is the function name.
        var route = (FunctionMetadata.Text(trigger, "route") ?? function.Name).Trim('/');
        var fullRoute = routePrefix.Length == 0 ? route : $"{routePrefix}/{route}";
        RoutePattern pattern;
        try
        {
            pattern = RoutePatternFactory.Parse(fullRoute);
        }
        catch (RoutePatternException ex)
        {
            throw new InvalidOperationException($"Function '{function.Name}': route '{route}' is not a valid route template: {ex.Message}", ex);
        }
        var methods = FunctionMetadata.Strings(trigger, "methods").Select(m => m.ToUpperInvariant()).Distinct().ToList();
        var triggerName = FunctionMetadata.Text(trigger, "name");

        var invoker = FunctionInvoker.Create(function, assembly, parameter =>
        {
            if (parameter.Name == triggerName)
            {
                return parameter.ParameterType == typeof(HttpRequest)
                    ? invocation => ValueTask.FromResult<object?>(FunctionInvoker.Http(invocation).Request)
                    : null;
            }
            if (parameter.GetCustomAttribute<FromBodyAttribute>() is not null)
            {
                return invocation => ReadBodyAsync(FunctionInvoker.Http(invocation), parameter.ParameterType);
            }
            if (pattern.GetParameter(parameter.Name!) is not null && CanConvert(parameter.ParameterType))
            {
                return invocation => ValueTask.FromResult(RouteValue(FunctionInvoker.Http(invocation), parameter));
            }
            return null;
        });

        return new Binding(new BoundFunction(function.Name, function.EntryPoint, TriggerKind.Http, fullRoute, methods, null, null), invoker);
    }

    public static void Map(WebApplication app, Binding binding)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FieldSync.LocalHost.Http");
        var function = binding.Function;
        RequestDelegate handler = context => InvokeAsync(context, binding, logger);
        var endpoint = function.Methods.Count == 0
            ? app.Map(function.Route!, handler)
            : app.MapMethods(function.Route!, function.Methods, handler);
        endpoint.WithDisplayName(function.Name);
    }

    /// <summary>
    /// The catch-all for the route prefix. Being a fallback, it also takes requests whose path matches a
    /// function but whose method does not, so those get no-such-route (404) like the real host, not 405.
    /// </summary>
    public static void MapNoSuchRoute(WebApplication app, string routePrefix)
    {
        var pattern = routePrefix.Length == 0 ? "{**path}" : $"{routePrefix}/{{**path}}";
        app.MapFallback(pattern, context => Results.Problem(
            type: NoSuchRouteProblemType,
            title: "No such route",
            statusCode: StatusCodes.Status404NotFound,
            detail: $"No function serves {context.Request.Method} {context.Request.Path}.").ExecuteAsync(context));
    }

    private static async Task InvokeAsync(HttpContext context, Binding binding, ILogger logger)
    {
        try
        {
            var result = await binding.Invoker.InvokeAsync(new Invocation(context.RequestServices, context, context.RequestAborted));
            await WriteResultAsync(context, result);
        }
        catch (BindingException ex)
        {
            await WriteResultAsync(context, FieldSync.Functions.Http.ApiResults.BadRequest("validation", "Bad request", ex.Message));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Function {Function} failed on {Method} {Path}", binding.Function.Name, context.Request.Method, context.Request.Path);
            if (!context.Response.HasStarted)
            {
                // The same answer as the Azure Functions app's ProblemMiddleware: a problem without the exception.
                context.Response.Clear();
                await WriteResultAsync(context, FieldSync.Functions.Http.ApiResults.InternalError(binding.Function.Name));
            }
        }
    }

    private static async Task WriteResultAsync(HttpContext context, object? result)
    {
        switch (result)
        {
            case IActionResult actionResult:
                // MVC result executors (registered by AddMvcCore) write ObjectResult and friends as outside MVC.
                await actionResult.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()));
                break;
            case IResult httpResult:
                await httpResult.ExecuteAsync(context);
                break;
            case null:
                // void/Task: the function wrote the response itself, or 200 with no body.
                break;
            default:
                await context.Response.WriteAsJsonAsync(result, result.GetType(), context.RequestAborted);
                break;
        }
    }

    private static async ValueTask<object?> ReadBodyAsync(HttpContext context, Type type)
    {
        if (context.Request.ContentLength == 0)
        {
            return null;
        }
        try
        {
            return await context.Request.ReadFromJsonAsync(type, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            throw new BindingException($"The request body is not valid JSON for {type.Name}: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // ReadFromJsonAsync rejects non-JSON content types this way.
            throw new BindingException(ex.Message, ex);
        }
    }

    private static bool CanConvert(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t == typeof(int) || t == typeof(long) || t == typeof(Guid) || t == typeof(bool);
    }

    private static object? RouteValue(HttpContext context, ParameterInfo parameter)
    {
        var text = context.Request.RouteValues[parameter.Name!]?.ToString();
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        if (string.IsNullOrEmpty(text))
        {
            // An optional segment that was left out.
            return type == parameter.ParameterType && type.IsValueType
                ? throw new BindingException($"Route value '{parameter.Name}' is required.")
                : null;
        }
        if (type == typeof(string))
        {
            return text;
        }
        object? value = type switch
        {
            _ when type == typeof(int) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null,
            _ when type == typeof(long) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null,
            _ when type == typeof(Guid) => Guid.TryParse(text, out var g) ? g : null,
            _ when type == typeof(bool) => bool.TryParse(text, out var b) ? b : null,
            _ => null,
        };
        return value ?? throw new BindingException($"Route value '{parameter.Name}' ('{text}') is not a valid {type.Name}.");
    }
}
