using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using FromBodyAttribute = Microsoft.Azure.Functions.Worker.Http.FromBodyAttribute;

// Function classes for the local host's own tests. TestHost/test-functions.metadata (hand-written, as
// the Worker SDK would generate it) is the only place their routes, queues and schedules are written.
namespace FieldSync.LocalHost.Tests.TestFunctions;

public sealed record TestItem(string Name, int Quantity);

public sealed record TestOrder(string OrderId, decimal Amount);

public sealed class HttpTestFunctions(Recorder recorder)
{
    public static IActionResult GetItem(HttpRequest req, string category, int id)
        => new OkObjectResult(new { category, id, method = req.Method, query = req.Query["q"].ToString() });

    public async Task<IActionResult> CreateItem(HttpRequest req, [FromBody] TestItem item)
    {
        await Task.Yield();
        recorder.Add(nameof(CreateItem), item);
        return new ObjectResult(item) { StatusCode = StatusCodes.Status201Created };
    }

    public static IActionResult Fail(HttpRequest req) => throw new InvalidOperationException("secret internal detail");

    // ValueTask<T>: awaited like Task<T>.
    public static ValueTask<IActionResult> Missing(HttpRequest req)
        => ValueTask.FromResult<IActionResult>(new NotFoundObjectResult(new { reason = "the function's own 404" }));

    // Static, returning IResult: both supported like instance methods returning IActionResult.
    public static IResult Ping(HttpRequest req) => Results.Text($"pong {req.Method}");
}

public sealed class QueueTestFunctions(Recorder recorder)
{
    public void OnText(string message) => recorder.Add(nameof(OnText), message);

    public Task OnOrder(TestOrder order, CancellationToken cancellationToken)
    {
        recorder.Add(nameof(OnOrder), order);
        return Task.CompletedTask;
    }

    public void AlwaysFails(string message)
    {
        recorder.Add(nameof(AlwaysFails), message);
        throw new InvalidOperationException("This function always fails.");
    }
}

public sealed class TimerTestFunctions(Recorder recorder)
{
    public void Tick(TimerInfo timer) => recorder.Add(nameof(Tick), timer);
}

/// <summary>Parameters the local host cannot bind: starting a host on them must fail and name the function.</summary>
public static class UnbindableFunctions
{
    public static IActionResult NeedsContext(HttpRequest req, FunctionContext context) => new OkResult();

    public static IActionResult NeedsUnknown(HttpRequest req, string notInRoute) => new OkResult();
}
