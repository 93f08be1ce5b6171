namespace FieldSync.EndToEnd.Tests.Catalogue;

/// <summary>One hostile request of the bad-input catalogue and what it must answer.</summary>
/// <param name="Operation">The operationId in docs/openapi.json.</param>
/// <param name="Description">What is hostile about it, unique within the operation (it names the case in failures).</param>
/// <param name="Url">Relative, already escaped as it goes on the wire.</param>
public sealed record HostileCase(string Operation, string Description, HttpMethod Method, string Url, Expectation Expect)
{
    /// <summary>The body's bytes as sent (may be invalid UTF-8 or not JSON); null sends no body.</summary>
    public byte[]? Body { get; init; }

    /// <summary>The Content-Type sent with the body, sent as is (may be garbage); null sends none.</summary>
    public string? ContentType { get; init; } = "application/json";

    /// <summary>Send the body without Content-Length (chunked), so the server cannot refuse it up front.</summary>
    public bool Chunked { get; init; }

    /// <summary>The Authorization header value; null sends none.</summary>
    public string? Authorization { get; init; }

    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The exact status, when the case is about one (401, 403, 412, 413, 415, 428, 304 …).</summary>
    public int? Status { get; init; }

    /// <summary>A device id only this case uses: it must not be bound to anyone afterwards.</summary>
    public string? FreshDeviceId { get; init; }

    public override string ToString() => $"{Operation}: {Description}";
}
