using FieldSync.Client.Storage;

namespace FieldSync.Client;

/// <summary>The pull half of a sync, added up page by page.</summary>
internal sealed class PullSummary
{
    private readonly List<string> _modes = [];

    public IReadOnlyList<string> Modes => _modes;

    public int Pages { get; private set; }

    public long Received { get; private set; }

    public long Removed { get; private set; }

    public int Errors { get; private set; }

    public string? ResetReason { get; set; }

    /// <summary>The last page's <c>serverTime</c>: the scheduler's measure of the server's clock against the device's.</summary>
    public DateTimeOffset? ServerTime { get; private set; }

    public void Add(PulledPage page, PullApplyResult applied)
    {
        Pages++;
        Received += applied.Upserted;
        Removed += applied.Removed;
        Errors += applied.NewSyncErrors;
        ResetReason ??= page.ResetReason;
        ServerTime = page.ServerTime ?? ServerTime;
        if (_modes.Count == 0 || _modes[^1] != page.SyncMode)
        {
            _modes.Add(page.SyncMode);
        }
    }
}
