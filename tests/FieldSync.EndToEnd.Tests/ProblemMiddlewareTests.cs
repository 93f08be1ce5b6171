using System.Text.Json;
using FieldSync.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FieldSync.EndToEnd.Tests;

/// <summary>
/// The Azure Functions app's worker middleware (the Functions host itself cannot run here): what an HTTP function
/// that throws answers, written through the same IActionResult path the ASP.NET Core integration uses.
/// </summary>
public class ProblemMiddlewareTests
{
    private static async Task<(int Status, string? ContentType, string Body)> ExecuteAsync(JsonWriterResult result)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        return (context.Response.StatusCode, context.Response.ContentType, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task RunAsync_FunctionThrows_ReturnsInternalErrorProblemWithoutTheException()
    {
        var result = await ProblemMiddleware.RunAsync(() => throw new InvalidOperationException("secret connection string"),
            "CreateRecord", NullLogger.Instance, () => false);

        var (status, contentType, text) = await ExecuteAsync(Assert.IsType<JsonWriterResult>(result));
        Assert.Equal(500, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal("urn:fieldsync:problem:internal-error", problem.RootElement.GetProperty("type").GetString());
        Assert.Equal(500, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task RunAsync_FunctionSucceeds_ReturnsNullSoTheFunctionsOwnResultIsWritten()
    {
        var ran = false;
        var result = await ProblemMiddleware.RunAsync(() =>
        {
            ran = true;
            return Task.CompletedTask;
        }, "GetRecord", NullLogger.Instance, () => false);

        Assert.True(ran);
        Assert.Null(result);
    }

    [Fact]
    public async Task RunAsync_CancelledBecauseTheCallerLeft_ReturnsNull()
    {
        var result = await ProblemMiddleware.RunAsync(() => throw new OperationCanceledException(), "Pull", NullLogger.Instance, () => true);

        Assert.Null(result);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileTheCallerWaits_ReturnsInternalError()
    {
        var result = await ProblemMiddleware.RunAsync(() => throw new TaskCanceledException("storage timed out"), "Pull", NullLogger.Instance, () => false);

        var (status, _, _) = await ExecuteAsync(Assert.IsType<JsonWriterResult>(result));
        Assert.Equal(500, status);
    }
}
