using System.Globalization;
using System.Text.Json;

namespace FieldSync.LocalHost.Hosting;

/// <summary>The parts of host.json the local host honours: the HTTP route prefix and the queue trigger settings.</summary>
public sealed record HostJson(string RoutePrefix, QueueTriggerSettings Queues)
{
    /// <summary>Reads host.json the way the Functions host does: comments and trailing commas allowed, names case-insensitive.</summary>
    public static HostJson Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"host.json not found at {path}.", path);
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });
        var extensions = Child(document.RootElement, "extensions");
        var http = extensions is { } e ? Child(e, "http") : null;
        var queues = extensions is { } e2 ? Child(e2, "queues") : null;

        var routePrefix = http is { } h ? String(h, "routePrefix") : null;
        return new HostJson((routePrefix ?? "api").Trim('/'), QueueTriggerSettings.From(queues));
    }

    internal static JsonElement? Child(JsonElement parent, string name)
    {
        if (parent.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (var property in parent.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }
        return null;
    }

    internal static string? String(JsonElement parent, string name)
        => Child(parent, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}

/// <summary>host.json <c>extensions.queues</c>, with the Functions host's defaults for what is not set.</summary>
public sealed record QueueTriggerSettings
{
    /// <summary>Messages fetched per poll (1..32, Azure's per-call maximum). Default 16.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>
    /// A new batch is fetched once this few messages are still running. Azure's default is
    /// batchSize/2 per core; the local host uses batchSize/2 (one core) when unset.
    /// </summary>
    public int NewBatchThreshold { get; init; } = 8;

    /// <summary>Longest wait between polls of an empty queue. Default 1 minute.</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a failed message stays invisible before its retry. Default 0.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>Attempts before a message is moved to <c>&lt;queue&gt;-poison</c>. Default 5.</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>"base64" (default) or "none".</summary>
    public string MessageEncoding { get; init; } = "base64";

    internal static QueueTriggerSettings From(JsonElement? queues)
    {
        if (queues is not { ValueKind: JsonValueKind.Object } q)
        {
            return new QueueTriggerSettings();
        }
        var batchSize = Math.Clamp(Int(q, "batchSize") ?? 16, 1, 32);
        return new QueueTriggerSettings
        {
            BatchSize = batchSize,
            NewBatchThreshold = Math.Max(0, Int(q, "newBatchThreshold") ?? batchSize / 2),
            MaxPollingInterval = Span(q, "maxPollingInterval") ?? TimeSpan.FromMinutes(1),
            VisibilityTimeout = Span(q, "visibilityTimeout") ?? TimeSpan.Zero,
            MaxDequeueCount = Math.Max(1, Int(q, "maxDequeueCount") ?? 5),
            MessageEncoding = (HostJson.String(q, "messageEncoding") ?? "base64").ToLowerInvariant(),
        };
    }

    private static int? Int(JsonElement parent, string name)
        => HostJson.Child(parent, name) is { ValueKind: JsonValueKind.Number } value ? value.GetInt32() : null;

    private static TimeSpan? Span(JsonElement parent, string name)
    {
        var text = HostJson.String(parent, name);
        if (text is null)
        {
            return null;
        }
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span)
            ? span
            : throw new FormatException($"host.json extensions.queues.{name} '{text}' is not a TimeSpan (hh:mm:ss).");
    }
}
