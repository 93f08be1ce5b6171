using System.Diagnostics;
using FieldSync.Client.Storage;

namespace FieldSync.FleetSimulator;

/// <summary>
/// Push-to-visible, server to devices: follows each dispatcher write until every affected device's local database
/// shows it (checked after each of that device's syncs, through the SDK's <see cref="LocalStore.GetAsync"/>), and
/// records the time from the write to the sync that completed the last affected device. Writes that an offline device
/// was waiting for are counted apart (their latency is the outage).
/// </summary>
internal sealed class DeliveryTracker(FleetMetrics metrics, Func<int, SimulatedDevice> devices)
{
    private readonly Lock gate = new();
    private readonly List<DispatcherWrite> open = [];
    private readonly HashSet<string> busy = new(StringComparer.Ordinal);

    public FleetCounter Delivered { get; } = new();

    public FleetCounter DeliveredAfterOutage { get; } = new();

    public int Open
    {
        get
        {
            lock (gate)
            {
                return open.Count;
            }
        }
    }

    /// <summary>Reserves <paramref name="key"/> for a write about to be sent; false if another write about it is still travelling.</summary>
    public bool TryReserve(string key)
    {
        lock (gate)
        {
            return busy.Add(key);
        }
    }

    /// <summary>Gives back a reservation whose write failed.</summary>
    public void Release(string key)
    {
        lock (gate)
        {
            busy.Remove(key);
        }
    }

    public void Track(DispatcherWrite write)
    {
        lock (gate)
        {
            write.Tainted = write.Waiting.Any(e => devices(e.Device).IsOffline);
            open.Add(write);
        }
    }

    /// <summary>The device went offline: every write it still has to show measures the outage from now on.</summary>
    public void WentOffline(int device)
    {
        lock (gate)
        {
            foreach (var write in open.Where(w => w.Waiting.Any(e => e.Device == device)))
            {
                write.Tainted = true;
            }
        }
    }

    /// <summary>After a sync of <paramref name="device"/>: which of the writes it waited for it now shows.</summary>
    public async Task CheckAsync(int device, LocalStore store, CancellationToken cancellationToken)
    {
        List<DispatcherWrite> mine;
        lock (gate)
        {
            mine = [.. open.Where(w => w.Waiting.Any(e => e.Device == device))];
        }
        foreach (var write in mine)
        {
            var lookup = await store.GetAsync(write.Table, write.RecordId, cancellationToken);
            var shows = lookup.Record is { } record && record.Version >= write.Version;
            lock (gate)
            {
                write.Waiting.RemoveAll(e => e.Device == device && (e.Present ? shows : lookup.Record is null));
                if (write.Waiting.Count > 0 || !open.Remove(write))
                {
                    continue;
                }
                busy.Remove(write.BusyKey);
            }
            if (write.Tainted)
            {
                DeliveredAfterOutage.Increment();
            }
            else
            {
                Delivered.Increment();
                metrics.DispatcherToDevices.Record(Stopwatch.GetElapsedTime(write.Started));
            }
        }
    }
}
