using System.Text.Json;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Security;
using FieldSync.Core.Sync;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FieldSync.Functions.Http;

/// <summary>
/// Admin API for offline profiles and their assignment to users. A change re-evaluates what the affected
/// devices carry (through the scope-evaluation queue); devices keep what still matches and get removals for
/// what no longer does — no wipe.
/// </summary>
public sealed class ProfilesFunctions(
    IProfileStore profiles,
    IFeedStore feed,
    IFeedWork work,
    SchemaCatalog schema,
    RequestGuard guard,
    ILogger<ProfilesFunctions> logger)
{
    private static readonly string[] AdminRoles = [Roles.Admin];

    /// <summary>Creates or replaces a profile. The whole profile is validated first; a bad one changes nothing.</summary>
    [Function(nameof(PutProfile))]
    public async Task<IActionResult> PutProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "admin/profiles/{profileId}")] HttpRequest req, string profileId)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, AdminRoles);
        if (caller is null)
        {
            return denied!;
        }
        if (InvalidProfileId(profileId, "profileId") is { } invalidId)
        {
            return invalidId;
        }
        var (body, bad) = await RequestGuard.ReadJsonAsync(req, 256 * 1024);
        if (body is null)
        {
            return bad!;
        }
        OfflineProfile profile;
        using (body)
        {
            try
            {
                profile = ProfileParser.Parse(body.RootElement.GetRawText(), schema);
            }
            catch (ProfileValidationException ex)
            {
                return ApiResults.BadRequest("invalid-profile", "Invalid offline profile",
                    $"The profile has {ex.Errors.Count} problem(s); nothing was saved.",
                    ex.Errors.Select(e => new FieldError(e.Path, e.Message)).ToList());
            }
        }
        if (profile.Id != profileId)
        {
            return ApiResults.BadRequest("validation", "Profile id mismatch", $"The body's id '{profile.Id}' must equal the id in the URL, '{profileId}'.",
                [new FieldError("id", "must equal the id in the URL")]);
        }
        var cancellationToken = req.HttpContext.RequestAborted;
        await profiles.SaveAsync(profile, cancellationToken);
        // Every scope of the profile is re-evaluated, one page of scopes per queue message: the request does one send
        // whatever the number of technicians.
        await work.EnqueueSweepAsync(FeedSweepMessage.EvaluateProfileScopes(profile.Id), cancellationToken);
        logger.LogInformation("Profile {Profile} saved by {User}; its scopes are queued for re-evaluation", profile.Id, caller.UserId);
        return ProfileResult(StatusCodes.Status200OK, profile);
    }

    /// <summary>One profile (the built-in default profile exists until replaced).</summary>
    [Function(nameof(GetProfile))]
    public async Task<IActionResult> GetProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/profiles/{profileId}")] HttpRequest req, string profileId)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, AdminRoles);
        if (caller is null)
        {
            return denied!;
        }
        if (InvalidProfileId(profileId, "profileId") is { } invalidId)
        {
            return invalidId;
        }
        var profile = await profiles.GetAsync(profileId, req.HttpContext.RequestAborted);
        return profile is null
            ? ApiResults.Problem(StatusCodes.Status404NotFound, "profile-not-found", "Profile not found", $"There is no offline profile '{profileId}'.")
            : ProfileResult(StatusCodes.Status200OK, profile);
    }

    /// <summary>Every profile.</summary>
    [Function(nameof(ListProfiles))]
    public async Task<IActionResult> ListProfiles([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin/profiles")] HttpRequest req)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, AdminRoles);
        if (caller is null)
        {
            return denied!;
        }
        var all = await profiles.ListAsync(req.HttpContext.RequestAborted);
        return new JsonWriterResult(StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("value");
            foreach (var profile in all)
            {
                using var doc = JsonDocument.Parse(profile.ToJson());
                doc.RootElement.WriteTo(w);
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Assigns a profile to a user; the user's devices are re-evaluated against it.</summary>
    [Function(nameof(AssignProfile))]
    public async Task<IActionResult> AssignProfile(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "admin/assignments/{userId}")] HttpRequest req, string userId)
    {
        var (caller, denied) = await guard.AuthorizeAsync(req, AdminRoles);
        if (caller is null)
        {
            return denied!;
        }
        if (!RecordIds.IsValid(userId, out var userError))
        {
            return ApiResults.BadRequest("validation", "Invalid user id", userError!, [new FieldError("userId", userError!)]);
        }
        var (body, bad) = await RequestGuard.ReadJsonAsync(req, 4 * 1024);
        if (body is null)
        {
            return bad!;
        }
        string? profileId;
        using (body)
        {
            var root = body.RootElement;
            profileId = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("profileId", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            if (profileId is null || root.EnumerateObject().Count() != 1)
            {
                return ApiResults.BadRequest("validation", "Invalid assignment", "The body must be { \"profileId\": \"<id>\" }.", [new FieldError("profileId", "required, a string")]);
            }
        }
        if (InvalidProfileId(profileId, "profileId") is { } invalidId)
        {
            return invalidId;
        }
        var cancellationToken = req.HttpContext.RequestAborted;
        if (await profiles.GetAsync(profileId, cancellationToken) is null)
        {
            return ApiResults.Problem(StatusCodes.Status404NotFound, "profile-not-found", "Profile not found", $"There is no offline profile '{profileId}'.");
        }
        await profiles.AssignAsync(userId, profileId, cancellationToken);
        var scopeId = ScopeIds.ForUser(userId);
        if ((await feed.GetHeadAsync(scopeId, cancellationToken)) is not null)
        {
            // The user already syncs: move the scope to the new profile now (the evaluation diffs, devices are not wiped).
            await feed.RegisterScopeAsync(new ScopeRegistration(scopeId, profileId, userId), cancellationToken);
            await work.EnqueueScopeAsync(scopeId, cancellationToken);
        }
        logger.LogInformation("User {Target} assigned profile {Profile} by {User}", userId, profileId, caller.UserId);
        return new JsonWriterResult(StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("userId", userId);
            w.WriteString("profileId", profileId);
            w.WriteEndObject();
        });
    }

    /// <summary>Profile ids become Table row keys: anything but a valid id is refused before storage sees it.</summary>
    private static JsonWriterResult? InvalidProfileId(string profileId, string field)
    {
        if (ProfileParser.IsValidId(profileId))
        {
            return null;
        }
        var message = $"A profile id is 1-{ProfileParser.MaxIdLength} characters of a-z, 0-9 and '-', starting with a letter.";
        return ApiResults.BadRequest("validation", "Invalid profile id", message, [new FieldError(field, message)]);
    }

    private static JsonWriterResult ProfileResult(int status, OfflineProfile profile)
        => new(status, w =>
        {
            using var doc = JsonDocument.Parse(profile.ToJson());
            doc.RootElement.WriteTo(w);
        });
}
