using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FieldSync.Core.Telemetry;

/// <summary>
/// W3C trace context through the queues. Storage queues carry none, so every message FieldSync sends gets a
/// <c>traceparent</c> property (the sender's Activity), and the function that handles it runs under an Activity with
/// that parent: a push, its application, the fan-out and the scope evaluations share one operation_Id. Message types
/// ignore the extra property when they are read.
/// </summary>
public static class MessageTrace
{
    public const string Property = "traceparent";

    /// <summary>The serialized <paramref name="message"/>, with the current trace context when there is one.</summary>
    public static string Stamp<T>(T message)
    {
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C } activity
            || JsonSerializer.SerializeToNode(message) is not JsonObject json)
        {
            return JsonSerializer.Serialize(message);
        }
        json[Property] = activity.Id;
        return json.ToJsonString();
    }

    /// <summary>The trace parent a message carries, or null (an older message, or one sent outside any operation).</summary>
    public static string? ParentOf(string message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(Property, out var parent) && parent.ValueKind == JsonValueKind.String
                && ActivityContext.TryParse(parent.GetString(), null, out _)
                ? parent.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// An Activity for handling <paramref name="message"/>, child of the trace it carries (or of the current one, or a
    /// new trace): what Application Insights takes operation_Id from. Dispose it when the message is handled.
    /// </summary>
    public static Activity StartHandling(string operationName, string message)
    {
        var activity = new Activity(operationName);
        if (ParentOf(message) is { } parent)
        {
            activity.SetParentId(parent);
        }
        activity.SetIdFormat(ActivityIdFormat.W3C);
        return activity.Start();
    }

    /// <summary>An Activity for an HTTP operation when the host has none (the local host); the Functions host always has one.</summary>
    public static Activity? StartIfNone(string operationName)
    {
        if (Activity.Current is not null)
        {
            return null;
        }
        var activity = new Activity(operationName);
        activity.SetIdFormat(ActivityIdFormat.W3C);
        return activity.Start();
    }
}
