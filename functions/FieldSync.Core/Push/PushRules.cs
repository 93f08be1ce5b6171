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
/// What a technician may change: tables and actions the profile allows, values the schema accepts, and records
/// in the technician's offline data (or new records that fall into it). Checked for the whole batch when it is
/// pushed (so bad input is refused before anything is stored) and again for each change when it is applied
/// (the authoritative check: the technician's data may have changed in between).
/// </summary>
public sealed class PushRules(SchemaCatalog schema, IProfileStore profiles, IFeedStore feed, IRecordStore records, IInbox inbox, TimeProvider clock)
{
    /// <summary>The profile and scopes that decide what a user may change.</summary>
    public sealed record UserView(OfflineProfile Profile, ScopeHead? UserHead, string UserId)
    {
        /// <summary>Bucket members read for this batch, (scope, table, id) to member; null: not a member.</summary>
        internal Dictionary<(string Scope, string Table, string Id), Member?> Members { get; } = [];
    }

    public async Task<UserView> ViewAsync(string userId, CancellationToken cancellationToken)
    {
        var head = await feed.GetHeadAsync(ScopeIds.ForUser(userId), cancellationToken);
        var profileId = head?.ProfileId ?? await profiles.GetAssignmentAsync(userId, cancellationToken);
        var profile = await profiles.GetRevisionAsync(profileId, head?.ProfileRevision, cancellationToken)
            ?? throw new InvalidOperationException($"User {userId} has profile '{profileId}', which does not exist.");
        return new UserView(profile, head, userId);
    }

    /// <summary>
    /// Reads, with one range query per table, the technician's bucket members a batch's updates and deletes
    /// touch, where that is cheaper than a point read per change (the bucket fits in a few query pages).
    /// </summary>
    public async Task PreloadAsync(UserView view, IEnumerable<PushChange> changes, CancellationToken cancellationToken)
    {
        var scope = ScopeIds.ForUser(view.UserId);
        var touched = changes.Where(c => c.Action != ChangeAction.Create && view.Profile.Tables.TryGetValue(c.Table, out var rule) && rule.IsUserScoped);
        foreach (var group in touched.GroupBy(c => c.Table, StringComparer.Ordinal))
        {
            var ids = group.Select(c => c.Id).Distinct(StringComparer.Ordinal).ToList();
            var live = view.UserHead?.Buckets.TryGetValue(group.Key, out var bucket) == true ? bucket.Count : 0;
            if (!BucketReads.RangeIsCheaper(ids.Count, live))
            {
                continue;
            }
            foreach (var id in ids)
            {
                view.Members[(scope, group.Key, id)] = null;
            }
            foreach (var member in await feed.GetBucketMembersAsync(scope, group.Key, cancellationToken))
            {
                view.Members[(scope, group.Key, member.Id)] = member;
            }
        }
    }

    public async Task<List<FieldError>> CheckBatchAsync(string userId, string deviceId, IReadOnlyList<PushChange> changes, CancellationToken cancellationToken)
    {
        var view = await ViewAsync(userId, cancellationToken);
        await PreloadAsync(view, changes, cancellationToken);
        var head = await inbox.GetHeadAsync(deviceId, cancellationToken);
        // Changes of batches not applied yet count as the device's own: it may update what it created a batch ago.
        var earlier = (await inbox.PendingAsync(deviceId, head.ProcessedSequence, cancellationToken)).SelectMany(b => b.Changes).ToList();
        var errors = new List<FieldError>();
        for (var i = 0; i < changes.Count; i++)
        {
            var context = earlier.Concat(changes.Take(i)).Concat(changes.Skip(i + 1)).ToList();
            var change = changes[i];
            var (problem, _) = await CheckAsync(view, change, context, deviceId, async ct => (await records.GetAsync(change.Table, change.Id, ct))?.Record, cancellationToken);
            if (problem is not null)
            {
                errors.Add(new FieldError($"changes[{i}]{(problem.Field.Length > 0 ? "." + problem.Field : "")}", $"{changes[i].Action} {changes[i].Table} '{changes[i].Id}': {problem.Message}"));
            }
        }
        return errors;
    }

    /// <summary>
    /// Checks one change; on success returns its typed values. <paramref name="others"/> are the device's other
    /// changes not applied yet, which may create the parent or the referrer this change relies on.
    /// <paramref name="server"/> gives the server's record; it is asked only when membership alone cannot decide
    /// (so a batch of updates to held records reads no record at all when it is accepted).
    /// </summary>
    public async Task<(ChangeProblem? Problem, Dictionary<string, object?>? Values)> CheckAsync(UserView view, PushChange change, IReadOnlyList<PushChange> others,
        string deviceId, Func<CancellationToken, Task<Record?>> server, CancellationToken cancellationToken)
    {
        if (!schema.TryGetTable(change.Table, out var table))
        {
            return (new ChangeProblem(SyncErrorType.Validation, "UnknownTable", "table", $"there is no table '{change.Table}'."), null);
        }
        if (!view.Profile.Tables.TryGetValue(change.Table, out var rule))
        {
            return (new ChangeProblem(SyncErrorType.Permission, "TableNotInProfile", "table", $"'{change.Table}' is not in your offline profile '{view.Profile.Name}'."), null);
        }
        var allowed = change.Action switch
        {
            ChangeAction.Create => rule.AllowCreate,
            ChangeAction.Update => rule.AllowUpdate,
            _ => rule.AllowDelete,
        };
        if (!allowed)
        {
            return (new ChangeProblem(SyncErrorType.Permission, "ActionNotAllowed", "action", $"your offline profile does not allow {change.Action.ToString().ToLowerInvariant()} on '{change.Table}'."), null);
        }
        if (!RecordIds.IsValid(change.Id, out var idError))
        {
            return (new ChangeProblem(SyncErrorType.Validation, "InvalidId", "id", idError!), null);
        }
        if (change.Action == ChangeAction.Create ? change.BaseVersion is not null : change.BaseVersion is null or < 1)
        {
            return (new ChangeProblem(SyncErrorType.Validation, "InvalidBaseVersion", "baseVersion",
                change.Action == ChangeAction.Create ? "a create has no baseVersion." : "baseVersion must be the version of the record the device last saw (1 or more)."), null);
        }
        Dictionary<string, object?>? values = null;
        if (change.Action == ChangeAction.Delete)
        {
            if (change.Values is { ValueKind: not JsonValueKind.Null })
            {
                return (new ChangeProblem(SyncErrorType.Validation, "UnexpectedValues", "values", "a delete carries no values."), null);
            }
        }
        else
        {
            var fieldErrors = new List<FieldError>();
            if (change.Values is not { ValueKind: JsonValueKind.Object } json)
            {
                return (new ChangeProblem(SyncErrorType.Validation, "MissingValues", "values", "values must be an object of column values."), null);
            }
            if (json.TryGetProperty("id", out _))
            {
                return (new ChangeProblem(SyncErrorType.Validation, "InvalidValues", "values.id", "the id goes in the change, not in its values."), null);
            }
            values = RecordValues.ReadColumns(table, json, fieldErrors);
            if (change.Action == ChangeAction.Create)
            {
                RecordValues.CheckRequired(table, values, fieldErrors);
            }
            if (fieldErrors.Count > 0)
            {
                var first = fieldErrors[0];
                return (new ChangeProblem(SyncErrorType.Validation, "InvalidValues", $"values.{first.Field}", string.Join(" ", fieldErrors.Select(e => e.Message))), null);
            }
        }

        if (change.Action == ChangeAction.Create)
        {
            var record = new Record(change.Table, change.Id, 0, clock.GetUtcNow(), view.UserId, false, values!);
            if (!await FallsIntoAsync(view, rule, record, others, cancellationToken))
            {
                return (new ChangeProblem(SyncErrorType.Permission, "OutsideOfflineData", "", "the new record would not be in your offline data (check its lookups against your profile)."), values);
            }
            return (null, values);
        }
        // The device's own new records count as its data before the change feed has caught up with them.
        if (others.Any(o => o.Table == change.Table && o.Id == change.Id && o.Action == ChangeAction.Create))
        {
            return (null, values);
        }
        var member = await MemberAsync(view, rule, change.Table, change.Id, cancellationToken);
        var held = member is { In: true };
        // The record is read only when the bucket cannot answer: not held (the device's own write the feed has
        // not caught up with yet, or not its data at all), or a base version beyond what the bucket delivered.
        var current = held && change.BaseVersion <= member!.Version ? null : await server(cancellationToken);
        var mine = current is not null && ChangeHistory.LatestIsFrom(current.ChangeId, deviceId, current.Version);
        if (!held && !mine)
        {
            return current is null || current.Deleted
                ? (new ChangeProblem(SyncErrorType.RecordNotFound, "RecordNotFound", "id", "the record does not exist on the server (Record Not Found)."), values)
                : (new ChangeProblem(SyncErrorType.Permission, "OutsideOfflineData", "id", "the record is not in your offline data."), values);
        }
        if (!mine && current is not null && change.BaseVersion > current.Version)
        {
            return (new ChangeProblem(SyncErrorType.Validation, "VersionFromTheFuture", "baseVersion",
                $"baseVersion {change.BaseVersion} is newer than the server's version {current.Version}; versions come from the server."), values);
        }
        return (null, values);
    }

    /// <summary>Whether the technician's offline data holds the record now.</summary>
    private async Task<bool> HoldsAsync(UserView view, TableRule rule, string table, string id, CancellationToken cancellationToken)
        => (await MemberAsync(view, rule, table, id, cancellationToken)) is { In: true };

    /// <summary>The record's member row in the technician's bucket for its table, read once per batch.</summary>
    private async Task<Member?> MemberAsync(UserView view, TableRule rule, string table, string id, CancellationToken cancellationToken)
    {
        var scope = rule.IsUserScoped ? ScopeIds.ForUser(view.UserId) : ScopeIds.Shared(view.Profile.Id);
        if (!view.Members.TryGetValue((scope, table, id), out var member))
        {
            member = await feed.GetMemberAsync(scope, table, id, cancellationToken);
            view.Members[(scope, table, id)] = member;
        }
        return member;
    }

    private async Task<bool> FallsIntoAsync(UserView view, TableRule rule, Record record, IReadOnlyList<PushChange> others, CancellationToken cancellationToken)
    {
        var context = new FilterContext(view.UserId, view.UserHead?.ResourceId, clock.GetUtcNow());
        if (rule.Filter is { } filter && !filter.Evaluate(record, context))
        {
            return false;
        }
        if (rule.Download != DownloadMode.Related)
        {
            return rule.Download is DownloadMode.All or DownloadMode.Filter;
        }
        foreach (var relationship in rule.RelatedTo)
        {
            if (relationship.Direction == RelationshipDirection.References)
            {
                if (record.Values.GetValueOrDefault(relationship.LookupColumn) is string parent
                    && (others.Any(o => o.Table == relationship.OtherTable && o.Id == parent && o.Action == ChangeAction.Create)
                        || await HoldsAsync(view, view.Profile.Tables[relationship.OtherTable], relationship.OtherTable, parent, cancellationToken)))
                {
                    return true;
                }
            }
            else if (others.Any(o => o.Table == relationship.OtherTable && o.Action != ChangeAction.Delete
                && o.Values is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty(relationship.LookupColumn, out var link)
                && link.ValueKind == JsonValueKind.String && link.GetString() == record.Id))
            {
                return true; // a booking of this batch points to the new work order
            }
        }
        return false;
    }
}
