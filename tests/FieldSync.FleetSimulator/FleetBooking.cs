namespace FieldSync.FleetSimulator;

/// <summary>
/// A booking as the dispatchers know it: who it is assigned to now and whether it is done. Only dispatchers move or
/// complete bookings, so this is the server's truth for those two columns; guarded by <see cref="FleetWorld"/>'s lock.
/// </summary>
internal sealed class FleetBooking(string id, string workOrder, int technician)
{
    public string Id { get; } = id;

    public string WorkOrder { get; } = workOrder;

    /// <summary>Index of the technician whose resource the booking is assigned to.</summary>
    public int Technician { get; set; } = technician;

    public bool Completed { get; set; }
}
