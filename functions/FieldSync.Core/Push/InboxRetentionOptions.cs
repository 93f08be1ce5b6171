using System.ComponentModel.DataAnnotations;

namespace FieldSync.Core.Push;

/// <summary>
/// Configuration section <c>FieldSync:Push</c>: how long processed batches stay in the device inboxes. Within that time a
/// re-sent batch id answers with its receipt, as it did; afterwards the batch is purged (its receipt is gone, a re-send
/// is refused as not increasing, nothing is applied twice).
/// </summary>
public sealed class InboxRetentionOptions
{
    public const string SectionName = "FieldSync:Push";

    /// <summary>Days a processed batch is kept after the UTC day it was accepted.</summary>
    [Range(1, 3650)]
    public int InboxRetentionDays { get; set; } = 30;

    /// <summary>Batches one purge run deletes at most; what is left is purged by the next run.</summary>
    [Range(1, 1000)]
    public int PurgePerRun { get; set; } = 500;
}
