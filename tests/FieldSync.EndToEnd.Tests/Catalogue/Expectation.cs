namespace FieldSync.EndToEnd.Tests.Catalogue;

/// <summary>What a catalogue case must answer.</summary>
public enum Expectation
{
    /// <summary>A 4xx RFC 9457 problem (application/problem+json) whose type is a FieldSync problem type.</summary>
    Problem,

    /// <summary>Legitimately accepted: 2xx or 304 (a read, or a header the API may ignore).</summary>
    Success,

    /// <summary>
    /// A 4xx from the HTTP server before any function runs (Kestrel refuses a path with NUL in it with a bare 400),
    /// so no host code can answer it with a problem; still never a 5xx.
    /// </summary>
    RejectedByServer,
}
