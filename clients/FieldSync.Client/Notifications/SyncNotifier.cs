using FieldSync.Client.Storage;

namespace FieldSync.Client.Notifications;

/// <summary>
/// Decides, for one sync, which of the seed's notifications shows and reports it: at the start where the kind is
/// already known (no checkpoint: the initial download; named tables: a refresh), after each page by the page's mode
/// and <c>isLarge</c>, and once at the end.
/// </summary>
internal sealed class SyncNotifier(Action<SyncNotification> raise, IReadOnlyList<string>? tables)
{
    private readonly IReadOnlyList<string> _tables = tables ?? [];
    private SyncNotificationKind? _shown;
    private long _pending;

    public void Starting(bool firstSync)
    {
        _shown = firstSync ? SyncNotificationKind.InitialDownload : _tables.Count > 0 ? SyncNotificationKind.TableRefresh : null;
        if (_shown is { } kind)
        {
            raise(new SyncNotification(kind, SyncNotificationState.InProgress, 0, 0, _tables));
        }
    }

    public void Applied(PulledPage page, long received)
    {
        SyncNotificationKind? kind = page.SyncMode switch
        {
            "FIRST_SYNC" => SyncNotificationKind.InitialDownload,
            "GRID_SYNC" => SyncNotificationKind.TableRefresh,
            // Once shown, the large sync's notification stays until it ends, though later pages have less to come.
            _ when page.IsLarge || _shown == SyncNotificationKind.LargeIncrementalSync => SyncNotificationKind.LargeIncrementalSync,
            _ => null,
        };
        if (kind is null)
        {
            return;
        }
        _shown = kind;
        _pending = page.Pending;
        raise(new SyncNotification(kind.Value, SyncNotificationState.InProgress, received, page.Pending, _tables));
    }

    public void Ended(bool succeeded, long received)
    {
        if (_shown is { } kind)
        {
            raise(new SyncNotification(kind, succeeded ? SyncNotificationState.Completed : SyncNotificationState.Failed, received, succeeded ? 0 : _pending, _tables));
        }
    }
}
