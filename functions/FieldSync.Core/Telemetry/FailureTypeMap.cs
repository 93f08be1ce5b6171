namespace FieldSync.Core.Telemetry;

/// <summary>
/// Which D365 FailureType a FieldSync problem type (the slug of <c>urn:fieldsync:problem:&lt;slug&gt;</c>) reports as.
/// docs/operations.md shows this table; a slug not listed is a SERVER_ERROR, so nothing is silently "expected".
/// </summary>
public static class FailureTypeMap
{
    public static readonly IReadOnlyDictionary<string, string> BySlug = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["unauthenticated"] = TelemetryNames.FailureTypes.AuthError,
        ["forbidden"] = TelemetryNames.FailureTypes.AccessError,
        ["validation"] = TelemetryNames.FailureTypes.ExpectedError,
        ["malformed-json"] = TelemetryNames.FailureTypes.ExpectedError,
        ["payload-too-large"] = TelemetryNames.FailureTypes.ExpectedError,
        ["unsupported-media-type"] = TelemetryNames.FailureTypes.ExpectedError,
        ["unknown-table"] = TelemetryNames.FailureTypes.ExpectedError,
        ["record-not-found"] = TelemetryNames.FailureTypes.ExpectedError,
        ["already-exists"] = TelemetryNames.FailureTypes.ExpectedError,
        ["precondition-required"] = TelemetryNames.FailureTypes.ExpectedError,
        ["precondition-failed"] = TelemetryNames.FailureTypes.ExpectedError,
        ["invalid-if-match"] = TelemetryNames.FailureTypes.ExpectedError,
        ["invalid-checkpoint"] = TelemetryNames.FailureTypes.ExpectedError,
        ["checkpoint-superseded"] = TelemetryNames.FailureTypes.ExpectedError,
        ["reset-required"] = TelemetryNames.FailureTypes.ExpectedError,
        ["invalid-continuation"] = TelemetryNames.FailureTypes.ExpectedError,
        ["device-not-found"] = TelemetryNames.FailureTypes.ExpectedError,
        ["sequence-not-increasing"] = TelemetryNames.FailureTypes.ExpectedError,
        ["batch-id-reused"] = TelemetryNames.FailureTypes.ExpectedError,
        ["batch-not-found"] = TelemetryNames.FailureTypes.ExpectedError,
        ["sync-error-not-found"] = TelemetryNames.FailureTypes.ExpectedError,
        ["invalid-profile"] = TelemetryNames.FailureTypes.ConfigError,
        ["profile-not-found"] = TelemetryNames.FailureTypes.ConfigError,
        ["inbox-busy"] = TelemetryNames.FailureTypes.ServerError,
        ["auth-unavailable"] = TelemetryNames.FailureTypes.ServerError,
        ["internal-error"] = TelemetryNames.FailureTypes.ServerError,
        ["client-closed"] = TelemetryNames.FailureTypes.NetworkError,
    };

    public static string For(string slug) => BySlug.GetValueOrDefault(slug, TelemetryNames.FailureTypes.ServerError);
}
