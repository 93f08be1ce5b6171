using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.LocalHost.Hosting;

/// <summary>What one invocation supplies to parameter binders.</summary>
/// <param name="Services">The invocation's scoped service provider (request services for HTTP).</param>
/// <param name="Trigger">The trigger payload: HttpContext, QueueMessage or TimerInfo.</param>
/// <param name="CancellationToken">RequestAborted for HTTP, host shutdown otherwise.</param>
internal sealed record Invocation(IServiceProvider Services, object Trigger, CancellationToken CancellationToken);

/// <summary>Produces one argument for one invocation.</summary>
internal delegate ValueTask<object?> ParameterBinder(Invocation invocation);

/// <summary>A binding failure the caller caused (bad route value, malformed body): HTTP answers 400, not 500.</summary>
internal sealed class BindingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Calls one function method: creates its class per invocation with ActivatorUtilities (as the
/// worker does), binds each parameter with the binder chosen at startup, and awaits the result.
/// </summary>
internal sealed class FunctionInvoker
{
    private readonly MethodInfo _method;
    private readonly ParameterBinder[] _binders;

    private FunctionInvoker(MethodInfo method, ParameterBinder[] binders)
    {
        _method = method;
        _binders = binders;
    }

    /// <summary>
    /// Resolves the entry point in <paramref name="assembly"/> and picks a binder for every parameter.
    /// <paramref name="bindTrigger"/> returns the binder for a trigger-specific parameter, or null if it
    /// cannot bind it. Every failure here is a startup error naming the function: better than a 500 later.
    /// </summary>
    public static FunctionInvoker Create(FunctionMetadata function, Assembly assembly, Func<ParameterInfo, ParameterBinder?> bindTrigger)
    {
        var method = ResolveMethod(function, assembly);
        var binders = method.GetParameters().Select(parameter =>
        {
            if (parameter.ParameterType == typeof(CancellationToken))
            {
                return invocation => ValueTask.FromResult<object?>(invocation.CancellationToken);
            }
            if (parameter.ParameterType == typeof(FunctionContext))
            {
                throw new InvalidOperationException($"Function '{function.Name}' ({function.EntryPoint}) takes a FunctionContext, which the local host does not support yet.");
            }
            return bindTrigger(parameter) ?? throw new InvalidOperationException(
                $"Function '{function.Name}' ({function.EntryPoint}): the local host cannot bind parameter '{parameter.Name}' of type {parameter.ParameterType}.");
        }).ToArray();
        return new FunctionInvoker(method, binders);
    }

    /// <summary>Runs the function and returns its awaited result (null for void, Task and ValueTask).</summary>
    public async Task<object?> InvokeAsync(Invocation invocation)
    {
        var arguments = new object?[_binders.Length];
        for (var i = 0; i < _binders.Length; i++)
        {
            arguments[i] = await _binders[i](invocation);
        }
        var target = _method.IsStatic ? null : ActivatorUtilities.CreateInstance(invocation.Services, _method.DeclaringType!);
        // DoNotWrapExceptions: callers and logs see the function's own exception, not TargetInvocationException.
        var returned = _method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        return await UnwrapAsync(returned, _method.ReturnType);
    }

    private static MethodInfo ResolveMethod(FunctionMetadata function, Assembly assembly)
    {
        var expectedAssembly = Path.GetFileNameWithoutExtension(function.ScriptFile);
        if (!string.Equals(expectedAssembly, assembly.GetName().Name, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"Function '{function.Name}' is in {function.ScriptFile} according to functions.metadata, but the functions assembly is {assembly.GetName().Name}.");
        }
        var lastDot = function.EntryPoint.LastIndexOf('.');
        if (lastDot <= 0)
        {
            throw new InvalidOperationException($"Function '{function.Name}': entryPoint '{function.EntryPoint}' is not 'Namespace.Type.Method'.");
        }
        var typeName = function.EntryPoint[..lastDot];
        var methodName = function.EntryPoint[(lastDot + 1)..];
        var type = assembly.GetType(typeName)
            ?? throw new InvalidOperationException($"Function '{function.Name}': type {typeName} not found in {assembly.GetName().Name}.");
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.Name == methodName)
            .ToList();
        if (candidates.Count > 1)
        {
            // Overloads: the Worker SDK names the one carrying [Function(name)].
            candidates = candidates.Where(m => m.GetCustomAttribute<FunctionAttribute>()?.Name == function.Name).ToList();
        }
        return candidates.Count == 1
            ? candidates[0]
            : throw new InvalidOperationException($"Function '{function.Name}': found {candidates.Count} public methods matching {function.EntryPoint}; exactly one is expected.");
    }

    private static async Task<object?> UnwrapAsync(object? returned, Type returnType)
    {
        switch (returned)
        {
            case Task task:
                await task;
                // Task<T>: read Result through the declared type; the runtime type of an async method's
                // task is a state-machine box whose own Result may be an internal placeholder.
                return returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>)
                    ? returnType.GetProperty(nameof(Task<object>.Result))!.GetValue(task)
                    : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            case not null when returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>):
                var asTask = (Task)returnType.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null)!;
                return await UnwrapAsync(asTask, typeof(Task<>).MakeGenericType(returnType.GetGenericArguments()[0]));
            default:
                return returned;
        }
    }

    /// <summary>The HttpContext of an HTTP invocation.</summary>
    public static HttpContext Http(Invocation invocation) => (HttpContext)invocation.Trigger;
}
