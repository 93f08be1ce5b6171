namespace FieldSync.FleetSimulator;

/// <summary>Which part of the day a device's sync belongs to, for the figures.</summary>
internal enum SyncKind
{
    /// <summary>The morning's first sync: the whole download.</summary>
    First,

    /// <summary>A scheduled delta sync during the working day.</summary>
    Delta,

    /// <summary>A forced sync after the day, while the fleet drains before the convergence check.</summary>
    Drain,
}
