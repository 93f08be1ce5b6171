using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace FieldSync.Functions.Http;

public sealed class HealthFunctions(TimeProvider clock)
{
    private static readonly string AppVersion =
        typeof(HealthFunctions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// The device's network check ("Network or Service Unavailable" when it is slow or silent): anonymous,
    /// no storage round trip, a few dozen bytes, never cached.
    /// </summary>
    [Function(nameof(Health))]
    public IActionResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req)
    {
        var result = new JsonWriterResult(StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "Healthy");
            w.WriteString("version", AppVersion);
            w.WriteString("serverTime", clock.GetUtcNow());
            w.WriteEndObject();
        });
        result.Headers["Cache-Control"] = "no-store";
        return result;
    }
}
