using FieldSync.Core.Sync;

namespace FieldSync.Sync.Tests;

/// <summary>A small field-service world for the seed's scenarios: statuses, two technicians, an account.</summary>
internal static class FieldServiceWorld
{
    public const string Scheduled = "bookingstatus-scheduled";
    public const string Completed = "bookingstatus-completed";
    public const string Canceled = "bookingstatus-canceled";

    public static async Task SeedAsync(SyncHarness h)
    {
        await h.CreateAsync("bookingstatus", Scheduled, ("name", "Scheduled"), ("status", 2), ("fieldservicestatus", 690970000));
        await h.CreateAsync("bookingstatus", Completed, ("name", "Completed"), ("status", 2), ("fieldservicestatus", 690970004));
        await h.CreateAsync("bookingstatus", Canceled, ("name", "Canceled"), ("status", 3), ("fieldservicestatus", 690970005));
        await h.CreateAsync("bookableresource", "resource-tech1", ("name", "Tech One"), ("userid", "tech1"), ("resourcetype", 3));
        await h.CreateAsync("bookableresource", "resource-tech2", ("name", "Tech Two"), ("userid", "tech2"), ("resourcetype", 3));
        await h.CreateAsync("account", "account-1", ("name", "Contoso"));
        await h.CreateAsync("account", "account-2", ("name", "Fabrikam"));
        await h.CreateAsync("product", "product-1", ("name", "Boiler valve"));
    }

    public static Task WorkOrderAsync(SyncHarness h, string id, string account = "account-1")
        => h.CreateAsync("workorder", id, ("name", id.ToUpperInvariant()), ("serviceaccount", account));

    public static Task BookingAsync(SyncHarness h, string id, string resource, string? workOrder, DateTimeOffset start, string status = Scheduled)
        => h.CreateAsync("bookableresourcebooking", id, ("name", id), ("resource", resource), ("workorder", workOrder),
            ("starttime", start), ("endtime", start.AddHours(2)), ("bookingstatus", status));

    public static DeviceSimulator Device(SyncHarness h, string user, string? deviceId = null) => new(h.Pulls, user, deviceId ?? "device-" + user);
}
