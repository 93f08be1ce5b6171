namespace FieldSync.FleetSimulator;

/// <summary>One technician of the simulated fleet: the user who signs in, their bookable resource and their one device.</summary>
internal sealed record FleetTechnician(int Index, string User, string Resource, string DeviceId);
