using System.Text.Json;
using FieldSync.Core.Profiles;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;
using FieldSync.Core.Sync;
using FieldSync.Core.SyncErrors;

namespace FieldSync.Core.Push;

/// <summary>A change that may not be applied: why (as a sync error type) and what to tell the technician.</summary>
public sealed record ChangeProblem(SyncErrorType Type, string Code, string Field, string Message);

/// <summary>
/// The rules a pushed change must meet, split by what the device could know. <see cref="Validate"/>: the change's
/// shape against the schema (tables, columns, types, choices, lengths, ids, required values, sizes) — what the
/// device always could have known was wrong, so a batch with such a change is refused whole when it is pushed.
/// <see cref="Permitted"/> and membership (<see cref="OfflineData"/>): what may have changed while the device was
/// offline (an admin edits the profile, a dispatcher deletes or reassigns a record), judged for each change when it
/// is applied and reported as that change's outcome, never as a refusal of the batch.
/// </summary>
public sealed class PushRules(SchemaCatalog schema, IProfileStore profiles, IFeedStore feed, IRecordStore records)
{
    /// <summary>
    /// Sequences and base versions stay at or below 2^53: every JSON client reads such numbers exactly, and a device
    /// that jumped to the top of the range could never push again.
    /// </summary>
    public const long MaxNumber = 1L << 53;

    /// <summary>The profile and scope head that decide what a user may change.</summary>
    public sealed record UserView(OfflineProfile Profile, ScopeHead? UserHead, string UserId);

    /// <summary>
    /// What decides a change when it is applied: the profile the user is assigned now, as stored now. Not the profile
    /// the scope head names: that is the one its last evaluation used, which lags an assignment or a profile edit
    /// until the re-evaluation runs (found by the randomized test: a part was let onto a work order that only the
    /// previous profile's bookings carried).
    /// </summary>
    public async Task<UserView> ViewAsync(string userId, CancellationToken cancellationToken)
    {
        var head = feed.GetHeadAsync(ScopeIds.ForUser(userId), cancellationToken);
        var profileId = await profiles.GetAssignmentAsync(userId, cancellationToken);
        var profile = await profiles.GetAsync(profileId, cancellationToken)
            ?? throw new InvalidOperationException($"User {userId} has profile '{profileId}', which does not exist.");
        return new UserView(profile, await head, userId);
    }

    /// <summary>
    /// What the device was given: the profile the technician's scope was last evaluated with, which says from which
    /// bucket each record's delivered version came. For checking versions at accept, not for deciding changes.
    /// </summary>
    private async Task<UserView> DeliveredViewAsync(string userId, CancellationToken cancellationToken)
    {
        var head = await feed.GetHeadAsync(ScopeIds.ForUser(userId), cancellationToken);
        var profileId = head?.ProfileId ?? await profiles.GetAssignmentAsync(userId, cancellationToken);
        var profile = await profiles.GetRevisionAsync(profileId, head?.ProfileRevision, cancellationToken)
            ?? throw new InvalidOperationException($"User {userId} has profile '{profileId}', which does not exist.");
        return new UserView(profile, head, userId);
    }

    /// <summary>
    /// Checks a batch when it is pushed: every change's shape (<see cref="Validate"/>), then base versions the server
    /// never gave out. Nothing here depends on the technician's data or profile, which may have changed meanwhile.
    /// </summary>
    public async Task<List<FieldError>> CheckBatchAsync(string userId, IReadOnlyList<PushChange> changes, CancellationToken cancellationToken)
    {
        var errors = new List<FieldError>();
        for (var i = 0; i < changes.Count; i++)
        {
            var (problem, _) = Validate(changes[i]);
            if (problem is not null)
            {
                errors.Add(Error(i, changes[i], problem));
            }
        }
        if (errors.Count == 0)
        {
            await CheckVersionsAsync(userId, changes, errors, cancellationToken);
        }
        return errors;
    }

    /// <summary>The change's shape against the schema; on success its typed values (null for a delete).</summary>
    public (ChangeProblem? Problem, Dictionary<string, object?>? Values) Validate(PushChange change)
    {
        if (!schema.TryGetTable(change.Table, out var table))
        {
            return (new ChangeProblem(SyncErrorType.Validation, "UnknownTable", "table", $"there is no table '{change.Table}'."), null);
        }
        if (!RecordIds.IsValid(change.Id, out var idError))
        {
            return (new ChangeProblem(SyncErrorType.Validation, "InvalidId", "id", idError!), null);
        }
        if (change.Action == ChangeAction.Create ? change.BaseVersion is not null : change.BaseVersion is null or < 1 or > MaxNumber)
        {
            return (new ChangeProblem(SyncErrorType.Validation, "InvalidBaseVersion", "baseVersion",
                change.Action == ChangeAction.Create ? "a create has no baseVersion."
                    : "baseVersion must be the version of the record the device last saw (1 to 2^53)."), null);
        }
        if (change.Action == ChangeAction.Delete)
        {
            return change.Values is { ValueKind: not JsonValueKind.Null }
                ? (new ChangeProblem(SyncErrorType.Validation, "UnexpectedValues", "values", "a delete carries no values."), null)
                : (null, null);
        }
        if (change.Values is not { ValueKind: JsonValueKind.Object } json)
        {
            return (new ChangeProblem(SyncErrorType.Validation, "MissingValues", "values", "values must be an object of column values."), null);
        }
        if (json.TryGetProperty("id", out _))
        {
            return (new ChangeProblem(SyncErrorType.Validation, "InvalidValues", "values.id", "the id goes in the change, not in its values."), null);
        }
        var fieldErrors = new List<FieldError>();
        var values = RecordValues.ReadColumns(table, json, fieldErrors);
        if (change.Action == ChangeAction.Create)
        {
            RecordValues.CheckRequired(table, values, fieldErrors);
        }
        else
        {
            // An update merges its values into the record: a null clears a column, which a required one refuses,
            // whatever the server's record holds (the records API refuses the same).
            fieldErrors.AddRange(values.Where(v => v.Value is null && table.Columns[v.Key].Required)
                .Select(v => new FieldError(v.Key, $"'{v.Key}' is required.")));
        }
        if (RecordService.EstimatedBytes(values) > RecordService.MaxRecordBytes)
        {
            fieldErrors.Add(new FieldError("", $"the values would take more than the {RecordService.MaxRecordBytes / 1024} KiB a record may."));
        }
        if (fieldErrors.Count > 0)
        {
            var first = fieldErrors[0];
            return (new ChangeProblem(SyncErrorType.Validation, "InvalidValues", first.Field.Length > 0 ? $"values.{first.Field}" : "values",
                string.Join(" ", fieldErrors.Select(e => e.Message))), null);
        }
        return (null, values);
    }

    /// <summary>The profile's tables and actions. Judged when the change is applied: an admin may change them while the device is offline.</summary>
    public static ChangeProblem? Permitted(UserView view, PushChange change)
    {
        if (!view.Profile.Tables.TryGetValue(change.Table, out var rule))
        {
            return new ChangeProblem(SyncErrorType.Permission, "TableNotInProfile", "table", $"'{change.Table}' is not in your offline profile '{view.Profile.Name}'.");
        }
        var allowed = change.Action switch
        {
            ChangeAction.Create => rule.AllowCreate,
            ChangeAction.Update => rule.AllowUpdate,
            _ => rule.AllowDelete,
        };
        return allowed ? null : new ChangeProblem(SyncErrorType.Permission, "ActionNotAllowed", "action",
            $"your offline profile does not allow {change.Action.ToString().ToLowerInvariant()} on '{change.Table}'.");
    }

    /// <summary>
    /// A base version above every version the server gave out for the record is a device bug, refused when pushed.
    /// The bucket delivered a version to the device: a base version up to it needs no read. Otherwise the record is
    /// read (the device's own write the feed has not delivered yet, or a record outside its data). The message names
    /// no server version: the record may be one the technician may not read.
    /// </summary>
    private async Task CheckVersionsAsync(string userId, IReadOnlyList<PushChange> changes, List<FieldError> errors, CancellationToken cancellationToken)
    {
        if (changes.All(c => c.Action == ChangeAction.Create))
        {
            return;
        }
        var view = await DeliveredViewAsync(userId, cancellationToken);
        var members = new Dictionary<(string Scope, string Table, string Id), Member?>();
        foreach (var group in changes.Where(c => c.Action != ChangeAction.Create && view.Profile.Tables.ContainsKey(c.Table)).GroupBy(c => c.Table, StringComparer.Ordinal))
        {
            var rule = view.Profile.Tables[group.Key];
            var scope = rule.IsUserScoped ? ScopeIds.ForUser(userId) : ScopeIds.Shared(view.Profile.Id);
            var ids = group.Select(c => c.Id).Distinct(StringComparer.Ordinal).ToList();
            var live = rule.IsUserScoped && view.UserHead?.Buckets.TryGetValue(group.Key, out var bucket) == true ? bucket.Count : long.MaxValue / 2;
            if (BucketReads.RangeIsCheaper(ids.Count, live))
            {
                ids.ForEach(id => members[(scope, group.Key, id)] = null);
                foreach (var member in await feed.GetBucketMembersAsync(scope, group.Key, cancellationToken))
                {
                    members[(scope, group.Key, member.Id)] = member;
                }
            }
            else
            {
                var read = await Task.WhenAll(ids.Select(id => feed.GetMemberAsync(scope, group.Key, id, cancellationToken)));
                for (var k = 0; k < ids.Count; k++)
                {
                    members[(scope, group.Key, ids[k])] = read[k];
                }
            }
        }
        // The records the bucket could not answer for, read together.
        var unanswered = new List<int>();
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            if (change.Action == ChangeAction.Create)
            {
                continue;
            }
            if (view.Profile.Tables.TryGetValue(change.Table, out var rule))
            {
                var scope = rule.IsUserScoped ? ScopeIds.ForUser(userId) : ScopeIds.Shared(view.Profile.Id);
                if (members.GetValueOrDefault((scope, change.Table, change.Id)) is { In: true } member && change.BaseVersion <= member.Version)
                {
                    continue;
                }
            }
            unanswered.Add(i);
        }
        var current = await records.GetManyAsync([.. unanswered.Select(i => (changes[i].Table, changes[i].Id))], cancellationToken);
        for (var k = 0; k < unanswered.Count; k++)
        {
            var change = changes[unanswered[k]];
            if (current[k] is { } stored && change.BaseVersion > stored.Record.Version)
            {
                errors.Add(Error(unanswered[k], change, new ChangeProblem(SyncErrorType.Validation, "VersionFromTheFuture", "baseVersion",
                    $"baseVersion {change.BaseVersion} is newer than the server's version of the record; versions come from the server.")));
            }
        }
    }

    private static FieldError Error(int index, PushChange change, ChangeProblem problem)
        => new($"changes[{index}]{(problem.Field.Length > 0 ? "." + problem.Field : "")}",
            $"{change.Action.ToString().ToLowerInvariant()} {change.Table} '{change.Id}': {problem.Message}");
}
