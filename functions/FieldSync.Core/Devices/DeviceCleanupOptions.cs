using System.ComponentModel.DataAnnotations;
using FieldSync.Core.Sync;

namespace FieldSync.Core.Devices;

/// <summary>
/// Configuration section <c>FieldSync:Devices</c>: when the cleanup timer removes a device nobody has seen, and how much
/// one run may do (every run is bounded; what is left continues on the next).
/// </summary>
public sealed class DeviceCleanupOptions
{
    public const string SectionName = "FieldSync:Devices";

    /// <summary>A device not seen (no pull, no push) for this many days is removed. Its records are accurate to the hour.</summary>
    [Range(1, 3650)]
    public int StaleAfterDays { get; set; } = 90;

    /// <summary>Devices the removal examines per run: one page of the device table's stale rows.</summary>
    [Range(1, DeviceQuery.MaxPageSize)]
    public int PageSize { get; set; } = 100;

    /// <summary>Chunks of retiring scopes deleted per run, over all the scopes being retired.</summary>
    [Range(1, 1000)]
    public int RetirementChunksPerRun { get; set; } = 20;

    /// <summary>Rows (members and ops) per chunk: one entity-group transaction, the head's update included, so at most 99.</summary>
    [Range(1, ScopeRetirement.MaxChunkRows)]
    public int RetirementChunkSize { get; set; } = ScopeRetirement.MaxChunkRows;
}
