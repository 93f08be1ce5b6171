using System.Globalization;
using FieldSync.Core.Records;
using FieldSync.Core.Schema;

namespace FieldSync.Benchmarks;

/// <summary>
/// The scale benchmark's fleet: reference data (the three booking statuses the default profile's booking filter
/// names, three work order types, <see cref="Products"/> products) and <see cref="Technicians"/> technicians, each a
/// user with a bookable resource (<c>userid</c> = the user), two accounts with a customer asset each, and an agenda
/// of about 100 bookings from 30 days back to 70 ahead (the past ones mostly completed, some canceled; every ninth
/// future one canceled), each with its own work order (service and billing account, customer asset, work order type),
/// two work order products and two service tasks.
/// <para>
/// Day 0 is the clock's date, the day whose end the benchmark's midnight crosses: every technician has one scheduled
/// booking ending that day, odd-numbered ones a second one, and every tenth technician none at all (that booking is
/// on day 70 instead), so the midnight re-evaluation has work in nine scopes out of ten and none in the tenth.
/// </para>
/// <para>
/// Ids start with their table's name (<c>workorderproduct-tech0001-001-1</c>), so ids sort like the tables they are
/// in; the seed writes table by table in id order. That changes nothing the benchmark counts; it is kinder to
/// Azurite's in-memory indexes, which move every entry after an insert's position.
/// </para>
/// </summary>
internal sealed class ScaleWorld(int technicians, int products, DateTimeOffset now)
{
    public const string Writer = "scale-seed";
    public const string Scheduled = "bookingstatus-scheduled";
    public const string Completed = "bookingstatus-completed";
    public const string Canceled = "bookingstatus-canceled";
    public const string BookingTable = "bookableresourcebooking";
    public const string WorkOrderTable = "workorder";
    public const string ResourceTable = "bookableresource";

    /// <summary>Days of agenda before day 0 and from day 0 on (one booking a day).</summary>
    public const int PastDays = 30;
    public const int FutureDays = 70;

    /// <summary>Work orders with parts and tasks that no booking points to (yet): each a job that can enter a scope.</summary>
    public const int UnassignedWorkOrders = 8;

    private const int AccountsPerTechnician = 2;
    private const int LinesPerWorkOrder = 2;

    public int Technicians { get; } = technicians;

    public int Products { get; } = products;

    /// <summary>Midnight UTC starting day 0.</summary>
    public DateTimeOffset Today { get; } = new(now.UtcDateTime.Date, TimeSpan.Zero);

    public static string User(int t) => string.Create(CultureInfo.InvariantCulture, $"tech{t:0000}");

    public static string Resource(int t) => ResourceTable + "-" + User(t);

    public static string ProductId(int n) => FieldServiceData.ProductId(n);

    public static string BookingId(int t, int b) => string.Create(CultureInfo.InvariantCulture, $"{BookingTable}-{User(t)}-{b:000}");

    public static string WorkOrderId(int t, int b) => string.Create(CultureInfo.InvariantCulture, $"{WorkOrderTable}-{User(t)}-{b:000}");

    public static string AccountId(int t, int a) => string.Create(CultureInfo.InvariantCulture, $"account-{User(t)}-{a}");

    public static string AssetId(int t, int a) => string.Create(CultureInfo.InvariantCulture, $"customerasset-{User(t)}-{a}");

    public static string UnassignedWorkOrderId(int n) => string.Create(CultureInfo.InvariantCulture, $"{WorkOrderTable}-unassigned-{n:00}");

    /// <summary>Whether technician <paramref name="t"/> has no booking ending on day 0 (every tenth).</summary>
    public static bool QuietOnDayZero(int t) => t % 10 == 0;

    /// <summary>Scheduled bookings of technician <paramref name="t"/> ending on day 0: what midnight takes off the agenda.</summary>
    public static int DayZeroBookings(int t) => QuietOnDayZero(t) ? 0 : t % 2 == 1 ? 2 : 1;

    /// <summary>One booking of the agenda: its number, day (relative to day 0), hour and status.</summary>
    public readonly record struct Slot(int Number, int Day, int Hour, string Status);

    /// <summary>The agenda of technician <paramref name="t"/>, in booking-number order.</summary>
    public static IReadOnlyList<Slot> Agenda(int t)
    {
        var slots = new List<Slot>();
        var number = 0;
        for (var day = -PastDays; day < FutureDays; day++)
        {
            if (day == 0)
            {
                if (QuietOnDayZero(t))
                {
                    slots.Add(new Slot(++number, FutureDays, 9, Scheduled)); // moved out of day 0
                    continue;
                }
                slots.Add(new Slot(++number, 0, 8, Scheduled));
                if (DayZeroBookings(t) == 2)
                {
                    slots.Add(new Slot(++number, 0, 13, Scheduled));
                }
                continue;
            }
            var status = day < 0
                ? ((day + t) % 7 == 0 ? Canceled : Completed)
                : ((day + t) % 9 == 0 ? Canceled : Scheduled);
            slots.Add(new Slot(++number, day, 8 + ((day + t) % 3) * 3, status));
        }
        return slots;
    }

    /// <summary>Rows a technician's device carries with the default profile: resource, agenda bookings, their work orders, accounts, assets, parts, tasks.</summary>
    public static int ExpectedTechnicianRows(int t)
    {
        var held = Agenda(t).Count(s => s.Day >= 0 && s.Status == Scheduled);
        return 1 + held * (1 + 1 + 2 * LinesPerWorkOrder) + AccountsPerTechnician + AccountsPerTechnician;
    }

    /// <summary>Reference data: booking statuses, work order types and the product catalogue.</summary>
    public List<SeedRow> ReferenceRows()
    {
        var rows = new List<SeedRow>
        {
            Row("bookingstatus", Scheduled, ("name", "Scheduled"), ("status", 2), ("fieldservicestatus", 690970000), ("color", "#0078D4")),
            Row("bookingstatus", Completed, ("name", "Completed"), ("status", 2), ("fieldservicestatus", 690970004), ("color", "#107C10")),
            Row("bookingstatus", Canceled, ("name", "Canceled"), ("status", 3), ("fieldservicestatus", 690970005), ("color", "#A80000")),
            Row("workordertype", "workordertype-maintenance", ("name", "Maintenance"), ("incidentrequired", false), ("estimatedduration", 60L)),
            Row("workordertype", "workordertype-repair", ("name", "Repair"), ("incidentrequired", true), ("estimatedduration", 120L)),
            Row("workordertype", "workordertype-installation", ("name", "Installation"), ("incidentrequired", false), ("estimatedduration", 240L)),
        };
        rows.AddRange(FieldServiceData.Products(Products));
        return rows;
    }

    /// <summary>Technician <paramref name="t"/>'s own rows: resource, accounts, assets, and per booking its work order, parts and tasks.</summary>
    public List<SeedRow> TechnicianRows(int t)
    {
        var user = User(t);
        var rows = new List<SeedRow>
        {
            Row(ResourceTable, Resource(t), ("name", "Technician " + t.ToString(CultureInfo.InvariantCulture)), ("userid", user), ("resourcetype", 3),
                ("email", user + "@contoso.example")),
        };
        for (var a = 1; a <= AccountsPerTechnician; a++)
        {
            rows.Add(Row("account", AccountId(t, a), ("name", string.Create(CultureInfo.InvariantCulture, $"Customer {t}-{a}")),
                ("accountnumber", string.Create(CultureInfo.InvariantCulture, $"AC-{t:0000}-{a}")), ("telephone1", "+1 425 555 0100"),
                ("address1_line1", string.Create(CultureInfo.InvariantCulture, $"{t * 10 + a} Main Street")), ("address1_city", "Redmond"),
                ("address1_postalcode", "98052"), ("address1_country", "US"), ("address1_latitude", 47.67 + t * 0.0001), ("address1_longitude", -122.12 - a * 0.01),
                ("accountcategory", 2)));
            rows.Add(Row("customerasset", AssetId(t, a), ("name", string.Create(CultureInfo.InvariantCulture, $"Boiler {t}-{a}")), ("account", AccountId(t, a)),
                ("product", ProductId(1 + (t * 7 + a) % Products)), ("serialnumber", string.Create(CultureInfo.InvariantCulture, $"SN-{t:0000}-{a:000}")),
                ("installedon", DateOnly.FromDateTime(Today.UtcDateTime).AddYears(-3))));
        }
        foreach (var slot in Agenda(t))
        {
            var start = Today.AddDays(slot.Day).AddHours(slot.Hour);
            var a = 1 + slot.Number % AccountsPerTechnician;
            var workOrder = WorkOrderId(t, slot.Number);
            rows.Add(Row(BookingTable, BookingId(t, slot.Number), ("name", string.Create(CultureInfo.InvariantCulture, $"Visit {t}-{slot.Number}")),
                ("starttime", start), ("endtime", start.AddHours(2)), ("duration", 120L), ("resource", Resource(t)), ("bookingstatus", slot.Status),
                ("workorder", workOrder), ("estimatedtravelduration", 30L)));
            rows.AddRange(WorkOrderRows(workOrder, AccountId(t, a), AccountId(t, 1), AssetId(t, a), t * 31 + slot.Number * 7,
                string.Create(CultureInfo.InvariantCulture, $"WO-{t:0000}-{slot.Number:000}"), slot.Status == Completed ? 690970003 : 690970001));
        }
        return rows;
    }

    /// <summary>
    /// Work orders no booking points to, each with its parts and tasks, for technician 1's customers: a new booking
    /// pointing to one of them brings a whole job into a scope.
    /// </summary>
    public List<SeedRow> UnassignedRows()
    {
        var rows = new List<SeedRow>();
        for (var n = 1; n <= UnassignedWorkOrders; n++)
        {
            rows.AddRange(WorkOrderRows(UnassignedWorkOrderId(n), AccountId(1, 1 + n % 2), AccountId(1, 1), AssetId(1, 1 + n % 2), n * 13,
                string.Create(CultureInfo.InvariantCulture, $"WO-NEW-{n:00}"), 690970000));
        }
        return rows;
    }

    /// <summary>Every row of the world.</summary>
    public IEnumerable<SeedRow> AllRows()
        => ReferenceRows().Concat(Enumerable.Range(1, Technicians).SelectMany(TechnicianRows)).Concat(UnassignedRows());

    private IEnumerable<SeedRow> WorkOrderRows(string workOrder, string serviceAccount, string billingAccount, string asset, int productSeed, string name, int systemStatus)
    {
        var types = new[] { "workordertype-maintenance", "workordertype-repair", "workordertype-installation" };
        yield return Row(WorkOrderTable, workOrder, ("name", name), ("serviceaccount", serviceAccount), ("billingaccount", billingAccount),
            ("workordertype", types[productSeed % types.Length]), ("customerasset", asset),
            ("primaryincidentdescription", "Unit does not reach set temperature; customer reports intermittent noise."),
            ("instructions", "Check with the site manager on arrival. Parking behind the building."),
            ("systemstatus", systemStatus), ("priority", 2));
        for (var p = 1; p <= LinesPerWorkOrder; p++)
        {
            yield return Row("workorderproduct", string.Create(CultureInfo.InvariantCulture, $"workorderproduct-{workOrder[(WorkOrderTable.Length + 1)..]}-{p}"),
                ("name", "Part"), ("workorder", workOrder), ("product", ProductId(1 + (productSeed + p * 101) % Products)),
                ("estimatequantity", 1m), ("unitamount", 12.5m), ("linestatus", 690970000));
        }
        for (var k = 1; k <= LinesPerWorkOrder; k++)
        {
            yield return Row("workorderservicetask", string.Create(CultureInfo.InvariantCulture, $"workorderservicetask-{workOrder[(WorkOrderTable.Length + 1)..]}-{k}"),
                ("name", k == 1 ? "Inspect unit" : "Replace worn parts"), ("workorder", workOrder), ("tasktype", "Inspection"),
                ("estimatedduration", 30L), ("linestatus", 690970000));
        }
    }

    private static SeedRow Row(string table, string id, params (string Column, object? Value)[] values) => FieldServiceData.Row(table, id, values);
}

/// <summary>
/// Writes seed rows through <see cref="IRecordStore.TryWriteAllAsync"/>: each row prepared as a create by
/// <see cref="RecordService.PrepareCreate"/> (the checks and system fields of every write), then one table at a time
/// (in name order), in id order, as many records per transaction as the store takes, several transactions at a time.
/// The store writes what belongs with each record (its fan-out marker, and whatever else it keeps in the same
/// transaction); the markers are left pending (see <see cref="ScaleBenchmark"/>).
/// </summary>
internal static class ScaleSeeder
{
    /// <summary>Writes the rows; returns the records, the transactions and the entities written (records, markers, index entries).</summary>
    public static async Task<(long Records, long Transactions, long Entities)> WriteAsync(RecordService records, IRecordStore store, IEnumerable<SeedRow> rows, int parallelism,
        CancellationToken cancellationToken)
    {
        long written = 0, transactions = 0, entities = 0;
        foreach (var table in rows.GroupBy(r => r.Table, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var batches = Batches(records.Schema, table.OrderBy(r => r.Id, StringComparer.Ordinal).Select(row => Prepare(records, row))).ToList();
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (batch, ct) =>
            {
                var result = await store.TryWriteAllAsync(batch, ct)
                    ?? throw new InvalidOperationException($"Seeding {batch.Count} {batch[0].Record.Table} records from '{batch[0].Record.Id}' was refused (an id exists?).");
                if (result.Any(w => !w.Written))
                {
                    throw new InvalidOperationException($"Seeding {batch[0].Record.Table} from '{batch[0].Record.Id}' wrote only part of the batch.");
                }
                Interlocked.Add(ref written, batch.Count);
                Interlocked.Add(ref entities, batch.Sum(w => LookupIndex.ActionsOf(records.Schema.Tables[w.Record.Table], w.Record, null)));
                Interlocked.Increment(ref transactions);
            });
        }
        return (written, transactions, entities);
    }

    private static Record Prepare(RecordService records, SeedRow row)
    {
        var prepared = records.PrepareCreate(row.Table, row.Id, row.Values, null, ScaleWorld.Writer, null);
        if (!prepared.Succeeded)
        {
            var errors = string.Join("; ", prepared.Errors?.Select(e => $"{e.Field}: {e.Message}") ?? []);
            throw new InvalidOperationException($"Seed row {row.Table} '{row.Id}' is invalid: {prepared.Outcome} {errors} {prepared.Detail}");
        }
        return prepared.Record!;
    }

    /// <summary>
    /// Consecutive records cut into transactions of at most <see cref="RecordWrite.MaxActionsPerTransaction"/> actions (the
    /// record, its marker and its index entries: <see cref="LookupIndex.ActionsOf"/>) and <see cref="RecordWrite.MaxBytesPerTransaction"/>.
    /// </summary>
    private static IEnumerable<List<RecordWrite>> Batches(SchemaCatalog schema, IEnumerable<Record> records)
    {
        var batch = new List<RecordWrite>();
        long bytes = 0;
        var actions = 0;
        foreach (var record in records)
        {
            var size = RecordService.EstimatedBytes(record.Values);
            var needs = LookupIndex.ActionsOf(schema.Tables[record.Table], record, null);
            if (batch.Count > 0 && (actions + needs > RecordWrite.MaxActionsPerTransaction || bytes + size > RecordWrite.MaxBytesPerTransaction))
            {
                yield return batch;
                batch = [];
                bytes = 0;
                actions = 0;
            }
            batch.Add(new RecordWrite(record, null));
            bytes += size;
            actions += needs;
        }
        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
