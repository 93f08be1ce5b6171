using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using FieldSync.Core.Profiles;
using FieldSync.Core.Schema;
using FieldSync.Core.Sync;

namespace FieldSync.Storage;

/// <summary>
/// Profiles (table <c>&lt;prefix&gt;profiles</c>, partition "profile", one row per profile holding its JSON) and
/// assignments (partition "assignment", one row per user). Parsed profiles are also kept in memory by revision
/// (a hash of their JSON): a pull asks for the revision its scope was evaluated with, which never changes
/// meaning, so the copy in memory is never stale.
/// </summary>
public sealed class TableProfileStore(TableServiceClient service, SchemaCatalog schema, StorageOptions options, TimeProvider clock) : IProfileStore
{
    private const string ProfilePartition = "profile";
    private const string AssignmentPartition = "assignment";

    private readonly TableClient table = service.GetTableClient(options.TablePrefix + TableNames.Profiles);
    private readonly CreateOnce created = new(() => service.GetTableClient(options.TablePrefix + TableNames.Profiles).CreateIfNotExistsAsync());
    private readonly ConcurrentDictionary<string, OfflineProfile> byRevision = new(StringComparer.Ordinal);
    private readonly Lazy<OfflineProfile> builtIn = new(() => DefaultProfiles.FieldServiceMobile(schema));

    public async Task<OfflineProfile?> GetAsync(string profileId, CancellationToken cancellationToken)
    {
        await created.Value;
        var response = await table.GetEntityIfExistsAsync<TableEntity>(ProfilePartition, profileId, cancellationToken: cancellationToken);
        var profile = response.HasValue
            ? ProfileParser.Parse(response.Value!.GetString("Json"), schema)
            : profileId == DefaultProfiles.DefaultProfileId ? builtIn.Value : null;
        if (profile is not null)
        {
            byRevision[profileId + "@" + ProfileRevisions.Of(profile)] = profile;
        }
        return profile;
    }

    public async Task<OfflineProfile?> GetRevisionAsync(string profileId, string? revision, CancellationToken cancellationToken)
        => revision is not null && byRevision.TryGetValue(profileId + "@" + revision, out var known)
            ? known
            : await GetAsync(profileId, cancellationToken);

    public async Task<IReadOnlyList<OfflineProfile>> ListAsync(CancellationToken cancellationToken)
    {
        await created.Value;
        var profiles = new Dictionary<string, OfflineProfile>(StringComparer.Ordinal);
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ProfilePartition}"), cancellationToken: cancellationToken))
        {
            profiles[entity.RowKey] = ProfileParser.Parse(entity.GetString("Json"), schema);
        }
        profiles.TryAdd(DefaultProfiles.DefaultProfileId, builtIn.Value);
        return profiles.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();
    }

    public async Task SaveAsync(OfflineProfile profile, CancellationToken cancellationToken)
    {
        await created.Value;
        var entity = new TableEntity(ProfilePartition, profile.Id) { ["Json"] = profile.ToJson(), ["UpdatedOn"] = clock.GetUtcNow() };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<string> GetAssignmentAsync(string userId, CancellationToken cancellationToken)
    {
        await created.Value;
        var response = await table.GetEntityIfExistsAsync<TableEntity>(AssignmentPartition, userId, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value!.GetString("ProfileId") : DefaultProfiles.DefaultProfileId;
    }

    public async Task AssignAsync(string userId, string profileId, CancellationToken cancellationToken)
    {
        await created.Value;
        await table.UpsertEntityAsync(new TableEntity(AssignmentPartition, userId) { ["ProfileId"] = profileId }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<IReadOnlyList<(string UserId, string ProfileId)>> ListAssignmentsAsync(CancellationToken cancellationToken)
    {
        await created.Value;
        var list = new List<(string, string)>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {AssignmentPartition}"), cancellationToken: cancellationToken))
        {
            list.Add((entity.RowKey, entity.GetString("ProfileId")));
        }
        return list;
    }
}
