using System.Globalization;
using FieldSync.Core.Records;

namespace FieldSync.Benchmarks;

/// <summary>One record to write: table, id and typed column values (as <see cref="RecordService"/> takes them).</summary>
internal sealed record SeedRow(string Table, string Id, Dictionary<string, object?> Values);

/// <summary>
/// The benchmark's field-service world, written through <see cref="RecordService"/> like any dispatcher write:
/// reference data (booking statuses, work order types), a product catalogue of <see cref="BenchmarkSettings.Products"/>
/// rows (the default profile downloads it all, shared by every technician), and per technician a bookable resource
/// whose <c>userid</c> is the user, two accounts with an asset each, and one booking a day from today on, each
/// with a work order, two work order products and two service tasks.
/// </summary>
internal static class FieldServiceData
{
    public const string Writer = "benchmark-seed";
    public const string Scheduled = "bookingstatus-scheduled";

    private const int ProductsPerWorkOrder = 2;
    private const int TasksPerWorkOrder = 2;
    private const int AccountsPerTechnician = 2;

    public static string User(int technician) => string.Create(CultureInfo.InvariantCulture, $"tech{technician:00}");

    public static string ProductId(int n) => string.Create(CultureInfo.InvariantCulture, $"product-{n:000000}");

    /// <summary>The rows, in stages: a stage only refers to rows of earlier stages.</summary>
    public static List<List<SeedRow>> Generate(BenchmarkSettings settings, DateTimeOffset now)
    {
        var reference = new List<SeedRow>
        {
            Row("bookingstatus", Scheduled, ("name", "Scheduled"), ("status", 2), ("fieldservicestatus", 690970000), ("color", "#0078D4")),
            Row("bookingstatus", "bookingstatus-completed", ("name", "Completed"), ("status", 2), ("fieldservicestatus", 690970004), ("color", "#107C10")),
            Row("bookingstatus", "bookingstatus-canceled", ("name", "Canceled"), ("status", 3), ("fieldservicestatus", 690970005), ("color", "#A80000")),
            Row("workordertype", "wotype-maintenance", ("name", "Maintenance"), ("incidentrequired", false), ("estimatedduration", 60L)),
            Row("workordertype", "wotype-repair", ("name", "Repair"), ("incidentrequired", true), ("estimatedduration", 120L)),
            Row("workordertype", "wotype-installation", ("name", "Installation"), ("incidentrequired", false), ("estimatedduration", 240L)),
        };
        reference.AddRange(Products(settings.Products));

        var own = Enumerable.Range(1, settings.Technicians)
            .Select(t => Technician(t, settings.BookingsPerTechnician, settings.Products, now)).ToList();
        // Stage by stage across the technicians: resources and accounts, assets, work orders, then bookings and lines.
        return [reference, .. Enumerable.Range(0, TechnicianStages).Select(stage => own.SelectMany(t => t[stage]).ToList())];
    }

    /// <summary>Stages of <see cref="Technician"/>: resource and accounts, assets, work orders, bookings and lines.</summary>
    private const int TechnicianStages = 4;

    /// <summary>
    /// One technician's own rows, in stages (each refers only to earlier stages and to the reference data): a bookable
    /// resource whose <c>userid</c> is the user, two accounts with an asset each, and <paramref name="bookings"/>
    /// bookings, one a day from today on, each with a work order, two work order products and two service tasks.
    /// </summary>
    public static List<List<SeedRow>> Technician(int t, int bookings, int products, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var resources = new List<SeedRow>();
        var accounts = new List<SeedRow>();
        var assets = new List<SeedRow>();
        var workOrders = new List<SeedRow>();
        var lines = new List<SeedRow>();
        var user = User(t);
        resources.Add(Row("bookableresource", "resource-" + user, ("name", "Technician " + t.ToString(CultureInfo.InvariantCulture)),
            ("userid", user), ("resourcetype", 3), ("email", user + "@contoso.example")));
        for (var a = 1; a <= AccountsPerTechnician; a++)
        {
            var account = string.Create(CultureInfo.InvariantCulture, $"account-{user}-{a}");
            accounts.Add(Row("account", account, ("name", string.Create(CultureInfo.InvariantCulture, $"Customer {t}-{a}")),
                ("accountnumber", string.Create(CultureInfo.InvariantCulture, $"AC-{t:000}-{a}")), ("telephone1", "+1 425 555 0100"),
                ("address1_line1", string.Create(CultureInfo.InvariantCulture, $"{t * 10 + a} Main Street")), ("address1_city", "Redmond"),
                ("address1_postalcode", "98052"), ("address1_country", "US"), ("address1_latitude", 47.67 + t * 0.01), ("address1_longitude", -122.12 - a * 0.01),
                ("accountcategory", 2)));
            assets.Add(Row("customerasset", string.Create(CultureInfo.InvariantCulture, $"asset-{user}-{a}"),
                ("name", string.Create(CultureInfo.InvariantCulture, $"Boiler {t}-{a}")), ("account", account),
                ("product", ProductId(1 + (t * 7 + a) % products)), ("serialnumber", string.Create(CultureInfo.InvariantCulture, $"SN-{t:000}-{a:000}")),
                ("installedon", DateOnly.FromDateTime(today.UtcDateTime).AddYears(-3))));
        }
        for (var b = 1; b <= bookings; b++)
        {
            var a = 1 + b % AccountsPerTechnician;
            var workOrder = string.Create(CultureInfo.InvariantCulture, $"wo-{user}-{b}");
            var start = today.AddDays(b - 1).AddHours(9);
            workOrders.Add(Row("workorder", workOrder, ("name", string.Create(CultureInfo.InvariantCulture, $"WO-{t:000}-{b:000}")),
                ("serviceaccount", string.Create(CultureInfo.InvariantCulture, $"account-{user}-{a}")),
                ("billingaccount", string.Create(CultureInfo.InvariantCulture, $"account-{user}-1")),
                ("workordertype", "wotype-repair"), ("customerasset", string.Create(CultureInfo.InvariantCulture, $"asset-{user}-{a}")),
                ("primaryincidentdescription", "Unit does not reach set temperature; customer reports intermittent noise."),
                ("instructions", "Check with the site manager on arrival. Parking behind the building."),
                ("systemstatus", 690970001), ("priority", 2), ("starttime", start), ("endtime", start.AddHours(2))));
            lines.Add(Row("bookableresourcebooking", string.Create(CultureInfo.InvariantCulture, $"booking-{user}-{b}"),
                ("name", string.Create(CultureInfo.InvariantCulture, $"Visit {t}-{b}")), ("starttime", start), ("endtime", start.AddHours(2)),
                ("duration", 120L), ("resource", "resource-" + user), ("bookingstatus", Scheduled), ("workorder", workOrder),
                ("estimatedtravelduration", 30L)));
            for (var p = 1; p <= ProductsPerWorkOrder; p++)
            {
                lines.Add(Row("workorderproduct", string.Create(CultureInfo.InvariantCulture, $"wop-{user}-{b}-{p}"),
                    ("name", "Part"), ("workorder", workOrder), ("product", ProductId(1 + (t * 31 + b * 7 + p) % products)),
                    ("estimatequantity", 1m), ("unitamount", 12.5m), ("linestatus", 690970000)));
            }
            for (var k = 1; k <= TasksPerWorkOrder; k++)
            {
                lines.Add(Row("workorderservicetask", string.Create(CultureInfo.InvariantCulture, $"wost-{user}-{b}-{k}"),
                    ("name", k == 1 ? "Inspect unit" : "Replace worn parts"), ("workorder", workOrder), ("tasktype", "Inspection"),
                    ("estimatedduration", 30L), ("linestatus", 690970000)));
            }
        }
        return [[.. resources, .. accounts], assets, workOrders, lines];
    }

    /// <summary>Writes every stage through the record service, <paramref name="parallelism"/> writes at a time.</summary>
    public static async Task<int> WriteAsync(RecordService records, IEnumerable<List<SeedRow>> stages, int parallelism, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var stage in stages)
        {
            await Parallel.ForEachAsync(stage, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (row, ct) =>
                {
                    var result = await records.CreateAsync(row.Table, row.Id, row.Values, Writer, ct);
                    if (!result.Succeeded)
                    {
                        var errors = string.Join("; ", result.Errors?.Select(e => $"{e.Field}: {e.Message}") ?? []);
                        throw new InvalidOperationException($"Seeding {row.Table} '{row.Id}' failed: {result.Outcome} {errors} {result.Detail}");
                    }
                    Interlocked.Increment(ref written);
                });
        }
        return written;
    }

    /// <summary>
    /// Completes the fan-out of seeded writes while no scope can hold them yet: clears each write's crash-safety
    /// marker (what <see cref="FieldSync.Core.Sync.FeedFanOut"/> would do after finding no scope to queue): the
    /// pending markers of each table listed with range queries, deleted 100 to a transaction.
    /// </summary>
    public static async Task CompleteFanOutAsync(IRecordStore store, IEnumerable<SeedRow> rows, CancellationToken cancellationToken)
    {
        var farFuture = new DateTimeOffset(3000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var table in rows.GroupBy(r => r.Table, StringComparer.Ordinal))
        {
            var seeded = table.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var pending = await store.ListPendingFanOutAsync(table.Key, farFuture, cancellationToken);
            await store.CompleteFanOutAsync([.. pending.Where(p => seeded.Contains(p.Id))], cancellationToken);
        }
    }

    /// <summary>The product catalogue both benchmarks seed: <paramref name="count"/> products with realistic text and prices.</summary>
    public static IEnumerable<SeedRow> Products(int count)
    {
        var units = new[] { "Each", "Box", "Metre", "Litre", "Hour" };
        var kinds = new[] { "valve", "pump seal", "filter", "thermostat", "pressure sensor", "gasket set", "circuit board", "fan motor", "hose", "service hour" };
        for (var n = 1; n <= count; n++)
        {
            var kind = kinds[n % kinds.Length];
            yield return Row("product", ProductId(n),
                ("name", string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(kind[0])}{kind[1..]} {n:000000}")),
                ("productnumber", string.Create(CultureInfo.InvariantCulture, $"PN-{n:000000}")),
                ("description", string.Create(CultureInfo.InvariantCulture,
                    $"Replacement {kind} for commercial heating and cooling units, series {n % 97}, fits models {n % 13}00 to {n % 13}99.")),
                ("producttype", kind == "service hour" ? 690970002 : 690970000),
                ("listprice", Math.Round(5m + (n % 1000) * 1.37m, 2)),
                ("unit", units[n % units.Length]),
                ("quantityonhand", (decimal)(n % 250)));
        }
    }

    public static SeedRow Row(string table, string id, params (string Column, object? Value)[] values)
        => new(table, id, values.ToDictionary(v => v.Column, v => v.Value, StringComparer.Ordinal));
}
