namespace FieldSync.FleetSimulator;

/// <summary>A dispatcher's write being followed until every affected device shows it.</summary>
/// <param name="BusyKey">The booking the write was about: no dispatcher touches it again until this write is delivered.</param>
/// <param name="Started">Stopwatch timestamp just before the write was sent.</param>
internal sealed class DispatcherWrite(string busyKey, string table, string recordId, long version, long started, IReadOnlyList<DeviceExpectation> expectations)
{
    public string BusyKey { get; } = busyKey;

    public string Table { get; } = table;

    public string RecordId { get; } = recordId;

    public long Version { get; } = version;

    public long Started { get; } = started;

    /// <summary>Expectations not met yet.</summary>
    public List<DeviceExpectation> Waiting { get; } = [.. expectations];

    /// <summary>An affected device was offline at some point while the write travelled: its latency measures the outage, not the sync.</summary>
    public bool Tainted { get; set; }
}
