using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace FieldSync.Storage;

/// <summary>
/// Counts storage transactions (HTTP requests to the Table and Queue services, retries included, which is
/// what the bill counts) by a short operation name such as "GET fsfeed" or "POST $batch". Exact and free of
/// timing noise, so benchmarks and tests can assert cost. Also counts, for table reads, the entities they
/// return (<see cref="EntitiesRead"/>) and the queries whose filter is not on the keys alone
/// (<see cref="NonKeyQueries"/>: Azure Tables answers those by scanning).
/// </summary>
public sealed class StorageTransactionCounter
{
    /// <summary>How many distinct offending filters <see cref="NonKeyFilters"/> keeps (each with its count).</summary>
    public const int MaxNonKeyFilters = 64;

    private readonly ConcurrentDictionary<string, long> byOperation = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> nonKeyFilters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> nonKeyExamples = new(StringComparer.Ordinal);
    private long total;
    private long nonKeyQueries;
    private long entitiesRead;

    public long Total => Interlocked.Read(ref total);

    public IReadOnlyDictionary<string, long> ByOperation => new Dictionary<string, long>(byOperation, StringComparer.Ordinal);

    /// <summary>
    /// Table queries (GET on a table with a <c>$filter</c>) whose filter compares a property other than
    /// <c>PartitionKey</c> and <c>RowKey</c>, and table queries without any filter: the service reads every entity of
    /// the range (or the table) to answer them.
    /// </summary>
    public long NonKeyQueries => Interlocked.Read(ref nonKeyQueries);

    /// <summary>
    /// The offending queries of <see cref="NonKeyQueries"/> by table and the non-key properties their filter
    /// compares, e.g. <c>"fsrecords(_deleted, userid)"</c>, with how many times each was sent (the first
    /// <see cref="MaxNonKeyFilters"/> distinct ones; the count of the rest goes to <c>"(others)"</c>).
    /// </summary>
    public IReadOnlyDictionary<string, long> NonKeyFilters => new Dictionary<string, long>(nonKeyFilters, StringComparer.Ordinal);

    /// <summary>The first filter text seen for each key of <see cref="NonKeyFilters"/> (up to 300 characters), to show which query it was.</summary>
    public IReadOnlyDictionary<string, string> NonKeyFilterExamples => new Dictionary<string, string>(nonKeyExamples, StringComparer.Ordinal);

    /// <summary>
    /// Entities returned by table reads: 1 for a point read answered 200, the length of the response's
    /// <c>value</c> array for a query page (0 for any other answer).
    /// </summary>
    public long EntitiesRead => Interlocked.Read(ref entitiesRead);

    public void Reset()
    {
        Interlocked.Exchange(ref total, 0);
        Interlocked.Exchange(ref nonKeyQueries, 0);
        Interlocked.Exchange(ref entitiesRead, 0);
        byOperation.Clear();
        nonKeyFilters.Clear();
        nonKeyExamples.Clear();
    }

    internal void Count(Request request)
    {
        Interlocked.Increment(ref total);
        FieldSync.Core.Telemetry.OperationMeter.CountStorageTransaction();
        var path = request.Uri.Path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // Path: /<account>/<table or queue>(...)/...; Azurite puts the account in the path, Azure in the host.
        var resource = path.Length switch { 0 => "", 1 => path[0], _ => path[^1].StartsWith("messages", StringComparison.Ordinal) ? path[^2] : path[1] };
        var name = resource.Split('(')[0];
        byOperation.AddOrUpdate($"{request.Method} {name}", 1, (_, n) => n + 1);

        if (Classify(request) is { Kind: TableRead.Query } read)
        {
            var properties = read.Filter is null ? ["(no filter)"] : FilterProperties(read.Filter).Where(p => p is not ("PartitionKey" or "RowKey")).ToList();
            if (properties.Count > 0)
            {
                Interlocked.Increment(ref nonKeyQueries);
                var key = $"{read.Table}({string.Join(", ", properties.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))})";
                if (nonKeyFilters.Count >= MaxNonKeyFilters && !nonKeyFilters.ContainsKey(key))
                {
                    key = "(others)";
                }
                nonKeyFilters.AddOrUpdate(key, 1, (_, n) => n + 1);
                nonKeyExamples.TryAdd(key, read.Filter is { Length: > 300 } text ? text[..300] : read.Filter ?? "");
            }
        }
    }

    internal void Received(HttpMessage message)
    {
        if (!message.HasResponse || message.Response.Status != 200 || Classify(message.Request) is not { } read)
        {
            return;
        }
        if (read.Kind == TableRead.Point)
        {
            Interlocked.Increment(ref entitiesRead);
            return;
        }
        // A table query's response is buffered (a MemoryStream); anything else is left alone, never consumed here.
        if (message.Response.ContentStream is not MemoryStream)
        {
            return;
        }
        try
        {
            Interlocked.Add(ref entitiesRead, CountValues(message.Response.Content.ToMemory().Span));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON (or not buffered after all): counts 0.
        }
    }

    private enum TableRead
    {
        Point,
        Query,
    }

    private readonly record struct TableReadRequest(TableRead Kind, string Table, string? Filter);

    /// <summary>
    /// A GET of table entities: <c>/{table}(PartitionKey='..',RowKey='..')</c> (a point read) or <c>/{table}()</c> (a
    /// query; the Tables client always addresses entities with the parentheses). The table service's own
    /// <c>Tables</c> resource and queue requests (no parentheses) are not table reads.
    /// </summary>
    private static TableReadRequest? Classify(Request request)
    {
        if (request.Method != RequestMethod.Get)
        {
            return null;
        }
        var path = request.Uri.Path;
        var slash = path.LastIndexOf('/');
        var last = Uri.UnescapeDataString(path[(slash + 1)..]);
        var open = last.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0 || !last.EndsWith(')') || last.StartsWith("Tables(", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var table = last[..open];
        return last.Length > open + 2
            ? new TableReadRequest(TableRead.Point, table, null)
            : new TableReadRequest(TableRead.Query, table, QueryParameter(request.Uri.Query, "$filter"));
    }

    private static string? QueryParameter(string query, string name)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((equals < 0 ? pair : pair[..equals]).Replace('+', ' '));
            if (key == name)
            {
                return equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            }
        }
        return null;
    }

    private static readonly HashSet<string> ComparisonOperators = new(["eq", "ne", "gt", "ge", "lt", "le"], StringComparer.Ordinal);

    private static readonly HashSet<string> Keywords = new(["and", "or", "not", "true", "false", "null"], StringComparer.Ordinal);

    /// <summary>
    /// The properties an OData filter compares: identifiers directly before (or after) a comparison operator
    /// (<c>eq ne gt ge lt le</c>). String literals (<c>'..'</c> with <c>''</c> for a quote, also as the body of
    /// <c>datetime'..'</c>, <c>guid'..'</c>, <c>X'..'</c>) and numbers are skipped, never taken for identifiers.
    /// </summary>
    public static IReadOnlyList<string> FilterProperties(string filter)
    {
        // Tokens: identifiers (with whether a quote follows at once: a typed literal's prefix), literals, operators.
        var tokens = new List<(string Text, bool Identifier)>();
        var i = 0;
        while (i < filter.Length)
        {
            var c = filter[i];
            if (c == '\'')
            {
                i++;
                while (i < filter.Length)
                {
                    if (filter[i] == '\'')
                    {
                        if (i + 1 < filter.Length && filter[i + 1] == '\'')
                        {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i++;
                }
                i++;
                tokens.Add(("'", false));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < filter.Length && (char.IsAsciiLetterOrDigit(filter[i]) || filter[i] == '_'))
                {
                    i++;
                }
                var word = filter[start..i];
                // datetime'..', guid'..', X'..', binary'..': a literal, not a property.
                tokens.Add((word, !(i < filter.Length && filter[i] == '\'')));
            }
            else if (char.IsAsciiDigit(c) || c is '-' or '.' or '+')
            {
                var start = i;
                while (i < filter.Length && (char.IsAsciiLetterOrDigit(filter[i]) || filter[i] is '.' or '-' or '+' or ':'))
                {
                    i++;
                }
                tokens.Add((filter[start..i], false));
            }
            else
            {
                i++; // whitespace, parentheses
            }
        }
        var properties = new List<string>();
        for (var t = 0; t < tokens.Count; t++)
        {
            if (!tokens[t].Identifier || !ComparisonOperators.Contains(tokens[t].Text))
            {
                continue;
            }
            if (t > 0 && IsProperty(tokens[t - 1]))
            {
                properties.Add(tokens[t - 1].Text);
            }
            else if (t + 1 < tokens.Count && IsProperty(tokens[t + 1]))
            {
                properties.Add(tokens[t + 1].Text); // a literal on the left: 'x' eq Name
            }
        }
        return properties;
    }

    private static bool IsProperty((string Text, bool Identifier) token)
        => token.Identifier && !Keywords.Contains(token.Text) && !ComparisonOperators.Contains(token.Text);

    /// <summary>The length of the top-level <c>value</c> array of a JSON object; 0 when there is none.</summary>
    private static long CountValues(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return 0;
        }
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return 0;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isValue = reader.ValueTextEquals("value"u8);
            reader.Read();
            if (isValue && reader.TokenType == JsonTokenType.StartArray)
            {
                long count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    count++;
                    reader.Skip();
                }
                return count;
            }
            reader.Skip();
        }
        return 0;
    }

    /// <summary>The pipeline policy that feeds the counter; added per retry so every attempt counts.</summary>
    public HttpPipelinePolicy Policy => new CountingPolicy(this);

    private sealed class CountingPolicy(StorageTransactionCounter counter) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => counter.Count(message.Request);

        public override void OnReceivedResponse(HttpMessage message) => counter.Received(message);
    }
}
