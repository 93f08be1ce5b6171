using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FieldSync.Core.FullDelta;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>
/// Full delta sync (the Device Status "Refresh"): verify a device's tables by count and checksum, and fetch the rows it
/// must repair. Technician role, the technician's own device. One file per operation; docs/sync-protocol.md "Full delta sync".
/// </summary>
public sealed partial class FullDeltaFunctions(FullDeltaSyncService service, RequestGuard guard, ISyncTelemetry telemetry, ILogger<FullDeltaFunctions> logger)
{
    private static readonly string[] DeviceRoles = [Roles.Technician];

    /// <summary>A verify's held-rows filters are 2 bytes a row held (at most 64 KiB a table); a fetch names 1,000 ids.</summary>
    private const int MaxBodyBytes = RequestGuard.MaxBodyBytes;

    /// <summary>
    /// The operations' shared course, reported as one FieldSync.FullDeltaSync scenario (<paramref name="operation"/> in its
    /// Operation dimension, <paramref name="report"/> adds the answer's figures): a technician caller, the body read as
    /// <typeparamref name="TRequest"/> with the generated contract (a body that does not fit it — a wrong type, an unknown
    /// field — is one validation problem naming where), the service's <paramref name="call"/>, then its
    /// <paramref name="answer"/> or the refusal's problem.
    /// </summary>
    private Task<IActionResult> RunAsync<TRequest, TResult>(HttpRequest req, JsonTypeInfo<TRequest> contract, string operation,
        Func<string, TRequest, CancellationToken, Task<FullDeltaOutcome<TResult>>> call, Func<Caller, TRequest, TResult, JsonWriterResult> answer,
        Action<TelemetryEvent, TRequest, TResult> report)
        where TRequest : class
        where TResult : class
    {
        Caller? who = null;
        (TRequest Request, TResult Result)? done = null;
        var scenario = SyncScenario.Start(req, TelemetryNames.Events.FullDeltaSync, telemetry, (e, _) =>
        {
            e.User(who?.UserId).Dimension(TelemetryNames.Dimensions.Operation, operation.ToLowerInvariant());
            if (done is { } answered)
            {
                report(e, answered.Request, answered.Result);
            }
        });
        return scenario.RunAsync(async () =>
        {
            var (caller, denied) = await guard.AuthorizeAsync(req, DeviceRoles);
            if (caller is null)
            {
                return denied!;
            }
            who = caller;
            var (request, bad) = await RequestGuard.ReadRequestAsync(req, MaxBodyBytes, (body, errors) => Parse(body, contract, errors)!,
                $"Invalid {operation.ToLowerInvariant()} request", "The request does not fit its shape; nothing was read.");
            if (request is null)
            {
                return bad!;
            }
            var outcome = await call(caller.UserId, request, req.HttpContext.RequestAborted);
            if (outcome.Result is not { } result)
            {
                return Refused(operation, caller, outcome);
            }
            done = (request, result);
            return answer(caller, request, result);
        });
    }

    /// <summary>Null only with an error added, which makes <see cref="RequestGuard.ReadRequestAsync{T}"/> answer the problem.</summary>
    private static T? Parse<T>(JsonElement body, JsonTypeInfo<T> contract, List<FieldError> errors)
        where T : class
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError("$", "The body must be a JSON object."));
            return null;
        }
        try
        {
            return body.Deserialize(contract);
        }
        catch (JsonException ex)
        {
            // The serializer's own message names .NET types; say it in the API's terms.
            var field = ex.Path is null or "$" ? "$" : ex.Path.TrimStart('$', '.');
            errors.Add(ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? new FieldError(field, "The body has a field this request does not have; see the API reference.")
                : new FieldError(field, $"'{field}' has the wrong type or value; see the API reference."));
            return null;
        }
    }

    /// <summary>A refused verify or fetch as its problem answer.</summary>
    private JsonWriterResult Refused<T>(string operation, Caller caller, FullDeltaOutcome<T> outcome)
        where T : class
    {
        FullDeltaLog.Refused(logger, operation, caller.UserId, outcome.Failure);
        return outcome.Failure switch
        {
            FullDeltaFailure.DeviceOfOtherUser => ApiResults.Forbidden(outcome.Detail!),
            FullDeltaFailure.InvalidCheckpoint => ApiResults.BadRequest("invalid-checkpoint", "Invalid checkpoint", outcome.Detail!, outcome.Errors),
            FullDeltaFailure.InvalidContinuation => ApiResults.BadRequest("invalid-continuation", "Invalid continuation", outcome.Detail!, outcome.Errors),
            FullDeltaFailure.CheckpointSuperseded => ApiResults.Problem(StatusCodes.Status409Conflict, "checkpoint-superseded", "Checkpoint superseded", outcome.Detail!, outcome.Errors),
            FullDeltaFailure.ResetRequired => ApiResults.Problem(StatusCodes.Status409Conflict, "reset-required", "Reset required", outcome.Detail!, outcome.Errors),
            _ => ApiResults.BadRequest("validation", $"Invalid {operation.ToLowerInvariant()} request", outcome.Detail!, outcome.Errors),
        };
    }
}
