using FieldSync.Core.Profiles;
using FieldSync.Core.Sync;

namespace FieldSync.Core.Tests.Sync;

/// <summary>The seed's large incremental sync: many rows, or any rows after a long idle; never a first download or an empty pull.</summary>
public class LargeSyncTests
{
    private static readonly ProfileSettings Settings = ProfileSettings.Default with { LargeSyncThreshold = 100, LargeSyncIdleHours = 72 };

    [Theory]
    [InlineData(SyncModes.DeltaSync, 60, 40, 1, true)]     // the page and what is still to come reach the threshold
    [InlineData(SyncModes.DeltaSync, 60, 39, 1, false)]    // one short of it, recently used
    [InlineData(SyncModes.ForcedSync, 100, 0, 1, true)]
    [InlineData(SyncModes.DeltaSync, 1, 0, 72, true)]      // a few rows after the app was unused for the idle hours
    [InlineData(SyncModes.DeltaSync, 0, 0, 500, false)]    // a long idle with nothing to bring: nothing to refresh
    [InlineData(SyncModes.FirstSync, 5000, 9000, 0, false)] // the initial download has its own notification
    [InlineData(SyncModes.GridSync, 5000, 0, 500, false)]   // a view's Refresh is already the user's own refresh
    public void IsLargeSync_FollowsTheSeedsRule(string mode, long rows, long pending, int idleHours, bool large)
    {
        Assert.Equal(large, LargeSync.IsLargeSync(mode, rows, pending, TimeSpan.FromHours(idleHours), Settings));
    }
}
