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

    public bool ConflictDetectionFor(OfflineProfile profile)
        => profile.Settings.ConflictDetectionSet ? profile.Settings.ConflictDetection : ConflictDetection;
}
