using System.Globalization;
using static System.FormattableString;

namespace FieldSync.LocalHost.DemoData;

/// <summary>One record of the demo data set: typed values exactly as <c>RecordService.CreateAsync</c> takes them.</summary>
public sealed record DemoRecord(string Table, string Id, IReadOnlyDictionary<string, object?> Values);

/// <summary>
/// A deterministic, realistic field-service data set for the local host: five technicians
/// (<c>resource-tech1..5</c>, user ids <c>tech1..tech5</c>) with bookings from 10 days ago to 14 days ahead,
/// the work orders behind them, their accounts, contacts, customer assets, products, parts and service tasks.
/// Records come in dependency order: every lookup points to a record earlier in the list. Accounts therefore
/// carry no primary contact (contacts point to their account instead; the two would form a cycle).
/// </summary>
public static class DemoDataSet
{
    public const string StatusScheduled = "bookingstatus-scheduled";
    public const string StatusTraveling = "bookingstatus-traveling";
    public const string StatusInProgress = "bookingstatus-inprogress";
    public const string StatusOnBreak = "bookingstatus-onbreak";
    public const string StatusCompleted = "bookingstatus-completed";
    public const string StatusCanceled = "bookingstatus-canceled";

    /// <summary>The first day with bookings, relative to today.</summary>
    public const int FirstDay = -10;

    /// <summary>The last day with bookings, relative to today.</summary>
    public const int LastDay = 14;

    public const int TechnicianCount = 5;

    public static string TechnicianResourceId(int n) => Invariant($"resource-tech{n}");

    public static string TechnicianUserId(int n) => Invariant($"tech{n}");

    public static IReadOnlyList<DemoRecord> Generate(DateOnly today, int seed = 2026) => new Generator(today, seed).Build().AsReadOnly();

    private sealed class WorkOrderPlan
    {
        public required int Index { get; init; }
        public required string Id { get; init; }
        public required string Number { get; init; }
        public required int Account { get; init; }
        public required int? Asset { get; init; }
        public required EquipmentDomain Domain { get; init; }
        public required WorkKind Kind { get; init; }
        public required bool Canceled { get; init; }
        public List<BookingPlan> Bookings { get; } = [];
        public int SystemStatus { get; set; }
    }

    private sealed class BookingPlan
    {
        public required WorkOrderPlan? WorkOrder { get; init; }
        public required string Name { get; init; }
        public required int Tech { get; init; }
        public required int Day { get; init; }
        public required int Slot { get; init; }
        public required bool FullDay { get; init; }
        public required DateTimeOffset Start { get; init; }
        public required int Minutes { get; init; }
        public required bool Canceled { get; init; }
        public string Status { get; set; } = StatusScheduled;
        public DateTimeOffset End => Start.AddMinutes(Minutes);
    }

    private sealed class Generator(DateOnly today, int seed)
    {
        private const int SlotsPerDay = 3;
        private const int WorkOrderCount = 60;
        private const int ScheduledWorkOrders = 55;

        // Work order system status (workorder.systemstatus).
        private const int WoUnscheduled = 690970000;
        private const int WoScheduled = 690970001;
        private const int WoInProgress = 690970002;
        private const int WoCompleted = 690970003;
        private const int WoPosted = 690970004;
        private const int WoCanceled = 690970005;

        private const int LineEstimated = 690970000;
        private const int LineUsed = 690970001;

        // Days (relative to today) on which each group of five work orders (one per technician) starts.
        // Days at least 3 away get a jitter of 0 or 1 day, which never makes two groups meet. Groups 5 and 6 are
        // both today (group 5 is booked first, so every technician has a booking today); groups 7-10 are ahead.
        private static readonly int[] GroupDays = [-10, -7, -5, -3, -1, 0, 0, 2, 5, 9, 13];
        private static readonly int[] CanceledWorkOrders = [7, 30, 53];

        private readonly Random _random = new(seed);
        private readonly List<DemoRecord> _records = [];
        private readonly int[,] _occupancy = new int[TechnicianCount, LastDay - FirstDay + 1];
        private readonly List<BookingPlan> _bookings = [];
        private readonly List<int> _assetAccounts = [];
        private readonly List<int> _assetProducts = [];
        private readonly List<string> _assetNames = [];
        private readonly List<(double Latitude, double Longitude)> _assetLocations = [];

        public List<DemoRecord> Build()
        {
            AddBookingStatuses();
            AddWorkOrderTypes();
            AddTechnicians();
            AddAccounts();
            AddContacts();
            AddProducts();
            AddCustomerAssets();
            var workOrders = PlanWorkOrders();
            ScheduleBookings(workOrders);
            AssignStatuses(workOrders);
            var (lines, totals) = PlanProductLines(workOrders);
            AddWorkOrders(workOrders, totals);
            AddBookings();
            foreach (var line in lines)
            {
                Add("workorderproduct", line.Id, line.Values);
            }
            AddServiceTasks(workOrders);
            return _records;
        }

        private void Add(string table, string id, Dictionary<string, object?> values)
        {
            foreach (var key in values.Where(kv => kv.Value is null).Select(kv => kv.Key).ToList())
            {
                values.Remove(key);
            }
            _records.Add(new DemoRecord(table, id, values));
        }

        private static Dictionary<string, object?> Values() => new(StringComparer.Ordinal);

        private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

        private bool Chance(double probability) => _random.NextDouble() < probability;

        private double Jitter(double value, double spread) => Math.Round(value + ((_random.NextDouble() * 2) - 1) * spread, 6);

        private DateTimeOffset At(int day, int hour, int minute)
            => new(today.AddDays(day).ToDateTime(new TimeOnly(hour, minute)), TimeSpan.Zero);

        private static string AccountId(int index) => Invariant($"account-{index + 1:000}");

        private static string ContactId(int index) => Invariant($"contact-{index + 1:000}");

        private static string ProductId(int index) => Invariant($"product-{index + 1:000}");

        private static string AssetId(int index) => Invariant($"asset-{index + 1:000}");

        private static string WorkOrderTypeId(WorkKind kind) => kind switch
        {
            WorkKind.Maintenance => "wotype-maintenance",
            WorkKind.Repair => "wotype-repair",
            _ => "wotype-installation",
        };

        private void AddBookingStatuses()
        {
            (string Id, string Name, int Status, int FieldServiceStatus, string Color)[] statuses =
            [
                (StatusScheduled, "Scheduled", 2, 690970000, "#0078D4"),
                (StatusTraveling, "Traveling", 2, 690970001, "#8764B8"),
                (StatusInProgress, "In Progress", 2, 690970002, "#FFB900"),
                (StatusOnBreak, "On Break", 2, 690970003, "#CA5010"),
                (StatusCompleted, "Completed", 2, 690970004, "#107C10"),
                (StatusCanceled, "Canceled", 3, 690970005, "#A4262C"),
            ];
            foreach (var s in statuses)
            {
                var v = Values();
                v["name"] = s.Name;
                v["status"] = s.Status;
                v["fieldservicestatus"] = s.FieldServiceStatus;
                v["color"] = s.Color;
                Add("bookingstatus", s.Id, v);
            }
        }

        private void AddWorkOrderTypes()
        {
            (WorkKind Kind, string Name, bool IncidentRequired, long Minutes, string PriceList)[] types =
            [
                (WorkKind.Maintenance, "Preventive Maintenance", false, 120, "Service Contract Price List"),
                (WorkKind.Repair, "Repair", true, 90, "Standard Price List"),
                (WorkKind.Installation, "Installation", false, 480, "Project Price List"),
            ];
            foreach (var t in types)
            {
                var v = Values();
                v["name"] = t.Name;
                v["incidentrequired"] = t.IncidentRequired;
                v["estimatedduration"] = t.Minutes;
                v["pricelistname"] = t.PriceList;
                Add("workordertype", WorkOrderTypeId(t.Kind), v);
            }
        }

        private void AddTechnicians()
        {
            for (var n = 1; n <= TechnicianCount; n++)
            {
                var (name, email) = DemoCatalog.Technicians[n - 1];
                var v = Values();
                v["name"] = name;
                v["userid"] = TechnicianUserId(n);
                v["resourcetype"] = 3; // User
                v["timezone"] = 85L; // GMT Standard Time (Dynamics time zone code)
                v["email"] = email;
                Add("bookableresource", TechnicianResourceId(n), v);
            }
        }

        private void AddAccounts()
        {
            for (var i = 0; i < DemoCatalog.Accounts.Length; i++)
            {
                var a = DemoCatalog.Accounts[i];
                var v = Values();
                v["name"] = a.Name;
                v["accountnumber"] = Invariant($"ACC-{10001 + i}");
                v["telephone1"] = Invariant($"{a.PhonePrefix}{_random.Next(100, 1000)}");
                v["emailaddress1"] = "facilities@" + a.Domain;
                v["address1_line1"] = a.Street;
                v["address1_city"] = a.City;
                v["address1_postalcode"] = a.PostalCode;
                v["address1_country"] = "United Kingdom";
                v["address1_latitude"] = a.Latitude;
                v["address1_longitude"] = a.Longitude;
                v["accountcategory"] = a.Preferred ? 1 : 2;
                Add("account", AccountId(i), v);
            }
        }

        private void AddContacts()
        {
            var firstNames = DemoCatalog.FirstNames;
            var lastNames = DemoCatalog.LastNames.ToArray();
            _random.Shuffle(lastNames);
            var count = DemoCatalog.Accounts.Length * 2;
            for (var i = 0; i < count; i++)
            {
                var account = DemoCatalog.Accounts[i / 2];
                var first = firstNames[i % firstNames.Length];
                var last = lastNames[i % lastNames.Length];
                var v = Values();
                v["fullname"] = first + " " + last;
                v["firstname"] = first;
                v["lastname"] = last;
                v["emailaddress1"] = (first + "." + last).ToLowerInvariant() + "@" + account.Domain;
                v["telephone1"] = Invariant($"{account.PhonePrefix}{_random.Next(100, 1000)}");
                v["mobilephone"] = Invariant($"+44 7700 900{_random.Next(100, 1000)}");
                v["jobtitle"] = Pick(DemoCatalog.JobTitles);
                v["parentcustomer"] = AccountId(i / 2);
                Add("contact", ContactId(i), v);
            }
        }

        private void AddProducts()
        {
            for (var i = 0; i < DemoCatalog.Products.Length; i++)
            {
                var p = DemoCatalog.Products[i];
                var v = Values();
                v["name"] = p.Name;
                v["productnumber"] = p.Number;
                v["description"] = p.Description;
                v["producttype"] = p.ProductType;
                v["listprice"] = p.ListPrice;
                v["unit"] = p.Unit;
                if (p.ProductType == DemoCatalog.Inventory)
                {
                    v["quantityonhand"] = p.Equipment
                        ? (decimal)_random.Next(0, 4)
                        : p.Unit is "kg" or "m" ? _random.Next(0, 2000) / 10m : (decimal)_random.Next(0, 150);
                }
                Add("product", ProductId(i), v);
            }
        }

        private void AddCustomerAssets()
        {
            var equipment = Enumerable.Range(0, DemoCatalog.Products.Length).Where(i => DemoCatalog.Products[i].Equipment).ToArray();
            const int count = 20;
            for (var i = 0; i < count; i++)
            {
                var accountIndex = i < DemoCatalog.Accounts.Length ? i : _random.Next(DemoCatalog.Accounts.Length);
                var account = DemoCatalog.Accounts[accountIndex];
                var productIndex = Pick(equipment);
                var product = DemoCatalog.Products[productIndex];
                string[] locations = product.Domain switch
                {
                    EquipmentDomain.Elevator => ["Core A", "Core B", "Goods Entrance", "Main Lobby"],
                    EquipmentDomain.Heating => ["Plant Room", "Basement", "Boiler House", "Level 1 Riser"],
                    _ => ["Roof", "Plant Room", "Server Room", "Level 2", "Warehouse"],
                };
                var installed = today.AddDays(-_random.Next(180, 3650));
                var name = product.Name + " - " + Pick(locations);
                var location = (Jitter(account.Latitude, 0.002), Jitter(account.Longitude, 0.002));
                var v = Values();
                v["name"] = name;
                v["account"] = AccountId(accountIndex);
                v["product"] = ProductId(productIndex);
                v["serialnumber"] = Invariant($"{product.Number[3..]}-{installed.Year}-{_random.Next(10000, 100000)}");
                v["latitude"] = location.Item1;
                v["longitude"] = location.Item2;
                v["installedon"] = installed;
                Add("customerasset", AssetId(i), v);
                _assetAccounts.Add(accountIndex);
                _assetProducts.Add(productIndex);
                _assetNames.Add(name);
                _assetLocations.Add(location);
            }
        }

        private List<WorkOrderPlan> PlanWorkOrders()
        {
            var plans = new List<WorkOrderPlan>(WorkOrderCount);
            for (var i = 0; i < WorkOrderCount; i++)
            {
                var roll = _random.NextDouble();
                var kind = roll < 0.45 ? WorkKind.Maintenance : roll < 0.85 ? WorkKind.Repair : WorkKind.Installation;
                int? asset = Chance(0.8) ? _random.Next(_assetAccounts.Count) : null;
                var account = asset is { } a ? _assetAccounts[a] : _random.Next(DemoCatalog.Accounts.Length);
                var domain = asset is { } b
                    ? DemoCatalog.Products[_assetProducts[b]].Domain!.Value
                    : (EquipmentDomain)_random.Next(3);
                plans.Add(new WorkOrderPlan
                {
                    Index = i,
                    Id = Invariant($"wo-{i + 1:00000}"),
                    Number = Invariant($"WO-{i + 1:00000}"),
                    Account = account,
                    Asset = asset,
                    Domain = domain,
                    Kind = kind,
                    Canceled = CanceledWorkOrders.Contains(i),
                });
            }
            return plans;
        }

        /// <summary>
        /// Books the first visit of every scheduled work order (one per technician per group day, so each
        /// technician always has bookings in the past, today and the future), then follow-up visits, then
        /// canceled earlier appointments that were rebooked, then a few general (non-work-order) bookings.
        /// </summary>
        private void ScheduleBookings(List<WorkOrderPlan> workOrders)
        {
            var scheduled = workOrders.Take(ScheduledWorkOrders).ToList();
            var firstVisits = new Dictionary<WorkOrderPlan, (int Tech, int Day)>();
            foreach (var wo in scheduled)
            {
                var group = wo.Index / TechnicianCount;
                var tech = (wo.Index + group) % TechnicianCount;
                var day = Math.Abs(GroupDays[group]) >= 3 ? Math.Min(LastDay, GroupDays[group] + _random.Next(0, 2)) : GroupDays[group];
                if (Book(wo, tech, day, exactDay: false, canceled: wo.Canceled) is { } booking)
                {
                    firstVisits[wo] = (tech, booking.Day);
                }
            }

            foreach (var wo in scheduled)
            {
                if (!firstVisits.TryGetValue(wo, out var first))
                {
                    continue;
                }
                var visits = wo.Kind switch
                {
                    WorkKind.Maintenance => Chance(0.6) ? 1 : 2,
                    WorkKind.Repair => _random.NextDouble() switch { < 0.3 => 1, < 0.8 => 2, _ => 3 },
                    _ => 2 + _random.Next(0, 2),
                };
                var day = first.Day;
                for (var v = 1; v < visits; v++)
                {
                    day += wo.Kind switch
                    {
                        WorkKind.Installation => 1,
                        WorkKind.Maintenance => _random.Next(1, 4),
                        _ => _random.Next(2, 5),
                    };
                    var tech = Chance(0.75) ? first.Tech : (first.Tech + 1 + _random.Next(TechnicianCount - 1)) % TechnicianCount;
                    if (Book(wo, tech, day, exactDay: false, canceled: wo.Canceled) is not { } booking)
                    {
                        break;
                    }
                    day = booking.Day;
                }
            }

            // An earlier appointment that was canceled (customer not available, parts late) and rebooked.
            foreach (var wo in scheduled)
            {
                if (wo.Canceled || wo.Kind == WorkKind.Installation || !firstVisits.TryGetValue(wo, out var first) || !Chance(0.25))
                {
                    continue;
                }
                Book(wo, (first.Tech + _random.Next(TechnicianCount)) % TechnicianCount, first.Day - _random.Next(1, 4), exactDay: true, canceled: true);
            }

            for (var tech = 0; tech < TechnicianCount; tech++)
            {
                for (var n = 0; n < 2; n++)
                {
                    var (name, minutes) = Pick(DemoCatalog.GeneralBookings);
                    for (var attempt = 0; attempt < 5; attempt++)
                    {
                        var day = _random.Next(FirstDay, LastDay + 1);
                        if (TryTakeSlot(tech, day, fullDay: false, out var slot))
                        {
                            _bookings.Add(new BookingPlan
                            {
                                WorkOrder = null,
                                Name = name,
                                Tech = tech,
                                Day = day,
                                Slot = slot,
                                FullDay = false,
                                Start = At(day, 8 + (slot * 3), 0),
                                Minutes = Math.Min(minutes, 165),
                                Canceled = false,
                            });
                            break;
                        }
                    }
                }
            }
        }

        private BookingPlan? Book(WorkOrderPlan wo, int tech, int day, bool exactDay, bool canceled)
        {
            var fullDay = wo.Kind == WorkKind.Installation && !canceled;
            for (var d = day; d <= LastDay && (d == day || !exactDay); d++)
            {
                if (d < FirstDay || !TryTakeSlot(tech, d, fullDay, out var slot))
                {
                    continue;
                }
                var (start, minutes) = fullDay
                    ? (At(d, 8, 15 * _random.Next(0, 3)), 360 + (15 * _random.Next(0, 5)))
                    : (At(d, 8 + (slot * 3), 15 * _random.Next(0, 4)),
                       wo.Kind == WorkKind.Maintenance ? 60 + (15 * _random.Next(0, 7)) : 45 + (15 * _random.Next(0, 9)));
                var booking = new BookingPlan
                {
                    WorkOrder = wo,
                    Name = wo.Number,
                    Tech = tech,
                    Day = d,
                    Slot = slot,
                    FullDay = fullDay,
                    Start = start,
                    Minutes = minutes,
                    Canceled = canceled,
                };
                wo.Bookings.Add(booking);
                _bookings.Add(booking);
                return booking;
            }
            return null;
        }

        private bool TryTakeSlot(int tech, int day, bool fullDay, out int slot)
        {
            ref var used = ref _occupancy[tech, day - FirstDay];
            slot = used;
            if (fullDay ? used != 0 : used >= SlotsPerDay)
            {
                return false;
            }
            used = fullDay ? SlotsPerDay : used + 1;
            return true;
        }

        private void AssignStatuses(List<WorkOrderPlan> workOrders)
        {
            foreach (var b in _bookings)
            {
                b.Status = b switch
                {
                    { Canceled: true } => StatusCanceled,
                    { Day: < 0 } => StatusCompleted,
                    _ => StatusScheduled,
                };
            }
            // Today: each technician has finished the first job, is on the second (in progress, on the way or
            // on a break) and has the rest ahead. A full-day installation is in progress.
            foreach (var day in _bookings.Where(b => b is { Day: 0, Canceled: false }).GroupBy(b => b.Tech))
            {
                var order = 0;
                foreach (var b in day.OrderBy(b => b.Start))
                {
                    b.Status = (b.FullDay, order++) switch
                    {
                        (true, _) => StatusInProgress,
                        (_, 0) => StatusCompleted,
                        (_, 1) => (b.Tech % 3) switch { 0 => StatusInProgress, 1 => StatusTraveling, _ => StatusOnBreak },
                        _ => StatusScheduled,
                    };
                }
            }
            foreach (var wo in workOrders)
            {
                var active = wo.Bookings.Where(b => !b.Canceled).ToList();
                wo.SystemStatus = wo switch
                {
                    { Canceled: true } => WoCanceled,
                    _ when active.Count == 0 => WoUnscheduled,
                    _ when active.All(b => b.Status == StatusCompleted) =>
                        active.Max(b => b.Day) < -3 && wo.Index % 2 == 0 ? WoPosted : WoCompleted,
                    _ when active.Any(b => b.Status != StatusScheduled) => WoInProgress,
                    _ => WoScheduled,
                };
            }
        }

        private (List<(string Id, Dictionary<string, object?> Values)> Lines, Dictionary<WorkOrderPlan, decimal> Totals) PlanProductLines(List<WorkOrderPlan> workOrders)
        {
            var lines = new List<(string, Dictionary<string, object?>)>();
            var totals = new Dictionary<WorkOrderPlan, decimal>();
            var labour = Array.FindIndex(DemoCatalog.Products, p => p.Number == "SV-LAB-STD");
            var callout = Array.FindIndex(DemoCatalog.Products, p => p.Number == "SV-CALLOUT");
            foreach (var wo in workOrders)
            {
                var products = new List<int>();
                if (wo.Kind == WorkKind.Installation && wo.Asset is { } asset)
                {
                    products.Add(_assetProducts[asset]);
                }
                var parts = Enumerable.Range(0, DemoCatalog.Products.Length)
                    .Where(i => DemoCatalog.Products[i] is { Equipment: false, ProductType: not DemoCatalog.Service } p && p.Domain == wo.Domain)
                    .ToArray();
                _random.Shuffle(parts);
                products.AddRange(parts.Take(_random.Next(1, 3)));
                if (wo.Kind == WorkKind.Repair && Chance(0.4))
                {
                    products.Add(labour);
                }
                if (wo.Kind == WorkKind.Repair && Chance(0.15))
                {
                    products.Add(callout);
                }

                var completed = wo.SystemStatus is WoCompleted or WoPosted;
                var total = 0m;
                foreach (var productIndex in products)
                {
                    var product = DemoCatalog.Products[productIndex];
                    var quantity = product.Unit switch
                    {
                        "kg" => _random.Next(5, 40) / 10m,
                        "m" => (decimal)_random.Next(5, 31),
                        "Hour" => (decimal)_random.Next(1, 5),
                        _ => product.Equipment ? 1m : (decimal)_random.Next(1, 4),
                    };
                    var used = completed || (wo.SystemStatus == WoInProgress && Chance(0.5));
                    var v = Values();
                    v["name"] = product.Name;
                    v["workorder"] = wo.Id;
                    v["product"] = ProductId(productIndex);
                    v["customerasset"] = wo.Asset is { } a ? AssetId(a) : null;
                    v["estimatequantity"] = quantity;
                    v["quantity"] = used ? quantity : null;
                    v["unitamount"] = product.ListPrice;
                    v["linestatus"] = used ? LineUsed : LineEstimated;
                    if (used && wo.Asset is { } fitted && Chance(0.4))
                    {
                        v["description"] = "Fitted to " + _assetNames[fitted] + ".";
                    }
                    total += product.ListPrice * quantity;
                    lines.Add((Invariant($"wop-{lines.Count + 1:0000}"), v));
                }
                totals[wo] = Math.Round(total, 2);
            }
            return (lines, totals);
        }

        private void AddWorkOrders(List<WorkOrderPlan> workOrders, Dictionary<WorkOrderPlan, decimal> totals)
        {
            foreach (var wo in workOrders)
            {
                var account = DemoCatalog.Accounts[wo.Account];
                var location = wo.Asset is { } asset ? _assetLocations[asset] : (account.Latitude, account.Longitude);
                var active = wo.Bookings.Where(b => !b.Canceled).ToList();
                var priority = wo.Kind switch
                {
                    WorkKind.Maintenance => Chance(0.3) ? 1 : 2,
                    WorkKind.Repair => _random.Next(4) switch { 0 => 2, 3 => 4, _ => 3 },
                    _ => 2,
                };
                var v = Values();
                v["name"] = wo.Number;
                v["serviceaccount"] = AccountId(wo.Account);
                v["billingaccount"] = AccountId(wo.Account);
                v["workordertype"] = WorkOrderTypeId(wo.Kind);
                v["primaryincidentdescription"] = Pick(DemoCatalog.ProblemDescriptions(wo.Domain, wo.Kind));
                v["instructions"] = Chance(0.7) ? Pick(DemoCatalog.Instructions) : null;
                v["systemstatus"] = wo.SystemStatus;
                v["priority"] = priority;
                v["starttime"] = active.Count > 0 ? active.Min(b => b.Start) : null;
                v["endtime"] = active.Count > 0 ? active.Max(b => b.End) : null;
                v["customerasset"] = wo.Asset is { } a ? AssetId(a) : null;
                v["reportedbycontact"] = Chance(0.8) ? ContactId((wo.Account * 2) + _random.Next(2)) : null;
                v["latitude"] = location.Item1;
                v["longitude"] = location.Item2;
                v["totalamount"] = totals[wo];
                Add("workorder", wo.Id, v);
            }
        }

        private void AddBookings()
        {
            var ordered = _bookings.OrderBy(b => b.Start).ThenBy(b => b.Tech).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var b = ordered[i];
                var started = b.Status is StatusCompleted or StatusInProgress or StatusOnBreak;
                var v = Values();
                v["name"] = b.Name;
                v["starttime"] = b.Start;
                v["endtime"] = b.End;
                v["duration"] = (long)b.Minutes;
                v["resource"] = TechnicianResourceId(b.Tech + 1);
                v["bookingstatus"] = b.Status;
                v["workorder"] = b.WorkOrder?.Id;
                v["estimatedtravelduration"] = b.WorkOrder is null ? null : (long)(5 * _random.Next(3, 13));
                v["actualarrivaltime"] = started ? b.Start.AddMinutes(_random.Next(-10, 21)) : null;
                Add("bookableresourcebooking", Invariant($"booking-{i + 1:0000}"), v);
            }
        }

        private void AddServiceTasks(List<WorkOrderPlan> workOrders)
        {
            var count = 0;
            foreach (var wo in workOrders)
            {
                var templates = DemoCatalog.Tasks(wo.Domain, wo.Kind);
                var n = wo.Kind == WorkKind.Installation ? _random.Next(2, 4) : Chance(0.35) ? 2 : 1;
                for (var j = 0; j < Math.Min(n, templates.Length); j++)
                {
                    var t = templates[j];
                    double percent = wo.SystemStatus switch
                    {
                        WoCompleted or WoPosted => 100,
                        WoInProgress => j == 0 ? 100 : 25 * _random.Next(0, 3),
                        _ => 0,
                    };
                    var v = Values();
                    v["name"] = t.Name;
                    v["workorder"] = wo.Id;
                    v["tasktype"] = t.TaskType;
                    v["estimatedduration"] = t.EstimatedMinutes;
                    v["actualduration"] = percent >= 100 ? Math.Max(5L, t.EstimatedMinutes + (5L * _random.Next(-2, 5))) : null;
                    v["percentcomplete"] = percent;
                    v["linestatus"] = percent >= 100 ? LineUsed : LineEstimated;
                    v["description"] = t.Description;
                    Add("workorderservicetask", Invariant($"task-{++count:0000}"), v);
                }
            }
        }
    }
}
