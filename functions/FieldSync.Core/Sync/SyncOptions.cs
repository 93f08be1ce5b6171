using FieldSync.Core.Profiles;

namespace FieldSync.Core.Sync;

/// <summary>Configuration section <c>FieldSync:Sync</c>: environment-wide defaults of sync behaviour.</summary>
public sealed class SyncOptions
{
    public const string SectionName = "FieldSync:Sync";

    /// <summary>
    /// Conflict detection for profiles that do not state it. False is the seed's default ("No": the device's
    /// offline change wins). An admin can change it at any time; it applies from the next batch processed.
    /// </summary>
    public bool ConflictDetection { get; set; }

    /// <summary>
    /// Copies of each profile's shared scope (all products, statuses...). Every device of the profile reads the shared
    /// tables on its daily pull and its first sync; a device reads the copy its id hashes to, so the reads spread over
    /// this many partitions instead of one (docs/scale.md: at 15,000 devices a morning peak would otherwise approach a
    /// partition's 2,000 entities/s). Each copy costs one evaluation per shared-row write. Changing it moves devices
    /// to another copy, which they download once again. One copy serves about 2,000 devices at a morning peak
    /// (docs/scale.md), so 1 is the default and a fleet of 15,000 devices sets 8.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, MaxSharedScopeReplicas)]
    public int SharedScopeReplicas { get; set; } = DefaultSharedScopeReplicas;

    public const int DefaultSharedScopeReplicas = 1;
    public const int MaxSharedScopeReplicas = 64;

    public bool ConflictDetectionFor(OfflineProfile profile)
        => profile.Settings.ConflictDetectionSet ? profile.Settings.ConflictDetection : ConflictDetection;
}
