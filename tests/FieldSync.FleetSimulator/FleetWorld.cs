using System.Globalization;

namespace FieldSync.FleetSimulator;

/// <summary>
/// The simulated field-service world: reference data (booking statuses, work order types, a product catalogue every
/// device carries), and per technician a bookable resource whose <c>userid</c> is the user, two customer accounts
/// with an asset each, and an agenda of bookings from today on, each with a work order, a part and a service task.
/// The rows come in stages; a stage only points to rows of earlier stages.
/// </summary>
internal sealed class FleetWorld
{
    public const string Scheduled = "bookingstatus-scheduled";
    public const string Completed = "bookingstatus-completed";

    private readonly Lock gate = new();
    private readonly List<FleetBooking> bookings;

    private FleetWorld(List<FleetTechnician> technicians, List<FleetBooking> bookings, List<string> products, List<List<FleetRow>> stages)
    {
        Technicians = technicians;
        this.bookings = bookings;
        Products = products;
        Stages = stages;
    }

    public IReadOnlyList<FleetTechnician> Technicians { get; }

    public IReadOnlyList<string> Products { get; }

    public IReadOnlyList<List<FleetRow>> Stages { get; }

    public int RowCount => Stages.Sum(s => s.Count);

    public static FleetWorld Generate(FleetSettings settings, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var products = Enumerable.Range(1, settings.Products).Select(p => Id("fleet-product", p)).ToList();
        var reference = new List<FleetRow>
        {
            Row("bookingstatus", Scheduled, ("name", "Scheduled"), ("status", 2), ("fieldservicestatus", 690970000)),
            Row("bookingstatus", Completed, ("name", "Completed"), ("status", 2), ("fieldservicestatus", 690970004)),
            Row("workordertype", "wotype-repair", ("name", "Repair"), ("incidentrequired", true), ("estimatedduration", 120L)),
            Row("workordertype", "wotype-maintenance", ("name", "Maintenance"), ("incidentrequired", false), ("estimatedduration", 60L)),
        };
        reference.AddRange(products.Select((id, n) => Row("product", id, ("name", "Part " + id[^5..]), ("productnumber", "PN" + id[^5..]),
            ("listprice", 10m + n % 90), ("unit", n % 3 == 0 ? "Box" : "Each"))));

        var technicians = new List<FleetTechnician>();
        var bookingList = new List<FleetBooking>();
        List<FleetRow> owners = [], assets = [], workOrders = [], agenda = [];
        for (var t = 0; t < settings.Devices; t++)
        {
            var user = Id("fleet-tech", t);
            var technician = new FleetTechnician(t, user, "resource-" + user, "device-" + user);
            technicians.Add(technician);
            owners.Add(Row("bookableresource", technician.Resource, ("name", "Technician " + user[^4..]), ("userid", user), ("resourcetype", 3)));
            for (var a = 1; a <= 2; a++)
            {
                var account = $"account-{user}-{a}";
                owners.Add(Row("account", account, ("name", $"Customer {user[^4..]}/{a}"), ("address1_city", "Redmond"), ("telephone1", "+1 425 555 0100")));
                assets.Add(Row("customerasset", $"asset-{user}-{a}", ("name", $"Chiller {user[^4..]}/{a}"), ("account", account),
                    ("product", products[(t + a) % products.Count]), ("serialnumber", $"SN{t:0000}{a}")));
            }
            for (var b = 0; b < settings.BookingsPerTechnician; b++)
            {
                var a = 1 + b % 2;
                var workOrder = $"wo-{user}-{b}";
                var booking = $"booking-{user}-{b}";
                // Three visits a day from 08:00 today, two hours each: the whole agenda is "from today on".
                var start = today.AddDays(b / 3).AddHours(8 + 3 * (b % 3));
                workOrders.Add(Row("workorder", workOrder, ("name", $"WO-{t:0000}-{b:00}"), ("serviceaccount", $"account-{user}-{a}"),
                    ("customerasset", $"asset-{user}-{a}"), ("workordertype", "wotype-repair"), ("priority", 2), ("systemstatus", 690970001),
                    ("instructions", "Ask for the site manager on arrival."), ("starttime", start), ("endtime", start.AddHours(2))));
                agenda.Add(Row("bookableresourcebooking", booking, ("name", $"Visit {t:0000}-{b:00}"), ("starttime", start), ("endtime", start.AddHours(2)),
                    ("duration", 120L), ("resource", technician.Resource), ("bookingstatus", Scheduled), ("workorder", workOrder)));
                agenda.Add(Row("workorderproduct", $"wop-{user}-{b}", ("name", "Filter"), ("workorder", workOrder),
                    ("product", products[(t * 7 + b) % products.Count]), ("quantity", 1m)));
                agenda.Add(Row("workorderservicetask", $"wost-{user}-{b}", ("name", "Inspect unit"), ("workorder", workOrder), ("estimatedduration", 30L)));
                bookingList.Add(new FleetBooking(booking, workOrder, t));
            }
        }
        return new FleetWorld(technicians, bookingList, products, [reference, owners, assets, workOrders, agenda]);
    }

    /// <summary>A booking not completed, chosen with <paramref name="random"/>; null when none is found.</summary>
    public FleetBooking? PickOpenBooking(Random random)
    {
        lock (gate)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var booking = bookings[random.Next(bookings.Count)];
                if (!booking.Completed)
                {
                    return booking;
                }
            }
            return null;
        }
    }

    /// <summary>Runs <paramref name="change"/> on a booking under the world's lock (reassignment, completion).</summary>
    public void Update(FleetBooking booking, Action<FleetBooking> change)
    {
        lock (gate)
        {
            change(booking);
        }
    }

    private static string Id(string prefix, int n) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n:00000}");

    private static FleetRow Row(string table, string id, params (string Column, object? Value)[] values)
        => new(table, id, values.ToDictionary(v => v.Column, v => v.Value, StringComparer.Ordinal));
}
