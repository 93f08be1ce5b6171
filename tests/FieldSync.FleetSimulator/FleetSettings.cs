namespace FieldSync.FleetSimulator;

/// <summary>
/// What one simulated day looks like, compressed in time: <see cref="IntervalSeconds"/> real seconds stand for the
/// profile's 5-minute delta sync interval, so a <see cref="Seconds"/>-long run is <c>Seconds / IntervalSeconds × 5</c>
/// simulated minutes.
/// </summary>
/// <param name="Devices">Simulated devices, one per technician.</param>
/// <param name="Seconds">Real seconds of the working day (technicians and dispatchers active), after which edits stop and the fleet drains.</param>
/// <param name="IntervalSeconds">Real seconds standing for 5 simulated minutes (a device's delta sync interval).</param>
/// <param name="BookingsPerTechnician">Each technician's agenda: bookings from today on, one work order each.</param>
/// <param name="Products">The shared product catalogue every device downloads.</param>
/// <param name="Dispatchers">Dispatchers editing and reassigning bookings on the records API, each with its own HttpClient.</param>
/// <param name="OfflineShare">The share of devices that go offline for a while during the day (no syncs, edits queued).</param>
/// <param name="ConflictDetection">The seed's conflict-detection setting (default No: the device's change wins).</param>
/// <param name="DrainSeconds">The longest the drain (every device syncing until nothing moves) may take before the check runs anyway.</param>
/// <param name="RandomSeed">Seeds every random choice, so two runs make the same decisions (their timing still differs).</param>
internal sealed record FleetSettings(
    int Devices = FleetSettings.DefaultDevices,
    int Seconds = FleetSettings.DefaultSeconds,
    double IntervalSeconds = FleetSettings.DefaultIntervalSeconds,
    int BookingsPerTechnician = 6,
    int Products = 200,
    int? Dispatchers = null,
    double OfflineShare = 0.2,
    bool ConflictDetection = false,
    int DrainSeconds = 180,
    int RandomSeed = 2026)
{
    public const int DefaultDevices = 100;
    public const int MaxDevices = 1_000;
    public const int DefaultSeconds = 120;
    public const int MaxSeconds = 1_800;
    public const double DefaultIntervalSeconds = 5;

    /// <summary>Dispatchers: as many as asked, else one per 25 devices (at least 2).</summary>
    public int DispatcherCount => Dispatchers ?? Math.Max(2, Devices / 25);

    /// <summary>Dispatcher writes (edits, reassignments, completions) per delta interval across all dispatchers: one per 10 devices, at least 2.</summary>
    public int DispatcherWritesPerInterval => Math.Max(2, Devices / 10);

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);

    /// <summary>The morning peak: first syncs start spread over this long (the seed's "most devices within the same 15 minutes", 3 intervals).</summary>
    public TimeSpan MorningSpread => TimeSpan.FromSeconds(Math.Min(IntervalSeconds * 3, Seconds / 4.0));

    /// <summary>Why these settings cannot run, or null: every figure is bounded so a run is bounded in time and count.</summary>
    public string? Problem() => this switch
    {
        { Devices: < 1 or > MaxDevices } => $"--devices must be 1 to {MaxDevices:N0}.",
        { Seconds: < 5 or > MaxSeconds } => $"--seconds must be 5 to {MaxSeconds:N0}.",
        { IntervalSeconds: < 0.5 or > 60 } => "--interval-seconds must be 0.5 to 60.",
        { BookingsPerTechnician: < 1 or > 50 } => "--bookings must be 1 to 50.",
        { Products: < 1 or > 20_000 } => "--products must be 1 to 20,000.",
        { Dispatchers: < 1 or > 50 } => "--dispatchers must be 1 to 50.",
        { OfflineShare: < 0 or > 1 } => "--offline-share must be 0 to 1.",
        { DrainSeconds: < 10 or > 1_800 } => "--drain-seconds must be 10 to 1,800.",
        _ => null,
    };
}
