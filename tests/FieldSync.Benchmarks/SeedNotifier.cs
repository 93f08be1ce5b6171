using FieldSync.Core.Records;
using FieldSync.Storage;

namespace FieldSync.Benchmarks;

/// <summary>
/// The record-change notifier the benchmark's services use: the app's queue notifier, except while seeding. A
/// seeded write's fan-out is completed by the benchmark itself (no scope exists yet that could hold it), so its
/// record-change message would only be dropped; not sending it matters on Azurite, which keeps every message's
/// body until a garbage collection that runs every minute, takes time quadratic in the messages it removes and
/// blocks all of Azurite meanwhile (over a minute for the 10,000-product seed's messages).
/// </summary>
internal sealed class SeedNotifier(QueueFeedWork queue) : IRecordChangeNotifier
{
    private volatile bool seeding;

    /// <summary>Seeded writes are not notified until the returned scope ends.</summary>
    public IDisposable Seeding()
    {
        seeding = true;
        return new Scope(this);
    }

    public Task RecordsChangedAsync(IReadOnlyList<ChangedRecord> changes, CancellationToken cancellationToken)
        => seeding ? Task.CompletedTask : queue.RecordsChangedAsync(changes, cancellationToken);

    private sealed class Scope(SeedNotifier owner) : IDisposable
    {
        public void Dispose() => owner.seeding = false;
    }
}
