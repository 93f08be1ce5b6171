namespace FieldSync.Client.Tests;

/// <summary>A technician and the records of their one booking.</summary>
public sealed record Agenda(string User, string Resource, string Account, string WorkOrder, string Booking)
{
    public string Device => "phone-" + User;
}
