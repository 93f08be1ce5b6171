using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FieldSync.FleetSimulator;

/// <summary>
/// A dispatcher at the back office, on the records API with their own HttpClient: while the technicians work, edits
/// work orders and bookings, reassigns bookings from one technician to another and completes some, each write
/// followed by the <see cref="DeliveryTracker"/> until the devices it affects show it.
/// </summary>
internal sealed class FleetDispatcher(HttpClient records, FleetWorld world, DeliveryTracker deliveries, FleetMetrics metrics, FleetSettings settings, Random random)
{
    /// <summary>Writes until <paramref name="stop"/> is cancelled, one every few real seconds with jitter.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var pause = settings.Interval * settings.DispatcherCount / settings.DispatcherWritesPerInterval;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(pause * (0.5 + random.NextDouble()), stop);
                await WriteOnceAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The working day is over.
        }
    }

    private async Task WriteOnceAsync(CancellationToken cancellationToken)
    {
        if (world.PickOpenBooking(random) is not { } booking || !deliveries.TryReserve(booking.Id))
        {
            return;
        }
        var owner = booking.Technician;
        var roll = random.NextDouble();
        DispatcherWrite? write = null;
        try
        {
            if (roll < 0.6)
            {
                // An edit the technician's device must show: the work order's priority, or the booking's travel time.
                var workOrder = random.Next(2) == 0;
                var (table, id) = workOrder ? ("workorder", booking.WorkOrder) : ("bookableresourcebooking", booking.Id);
                JsonObject change = workOrder ? new() { ["priority"] = random.Next(1, 4) } : new() { ["estimatedtravelduration"] = random.Next(10, 60) };
                var started = Stopwatch.GetTimestamp();
                if (await PatchAsync(table, id, change, cancellationToken) is { } version)
                {
                    metrics.DispatcherEdits.Increment();
                    write = new DispatcherWrite(booking.Id, table, id, version, started, [new DeviceExpectation(owner, Present: true)]);
                }
            }
            else if (roll < 0.9 && world.Technicians.Count > 1)
            {
                // A reassignment: the booking (with its work order, parts and tasks) leaves one device and arrives on another.
                var to = (owner + 1 + random.Next(world.Technicians.Count - 1)) % world.Technicians.Count;
                var started = Stopwatch.GetTimestamp();
                if (await PatchAsync("bookableresourcebooking", booking.Id, new JsonObject { ["resource"] = world.Technicians[to].Resource }, cancellationToken) is { } version)
                {
                    world.Update(booking, b => b.Technician = to);
                    metrics.Reassignments.Increment();
                    write = new DispatcherWrite(booking.Id, "bookableresourcebooking", booking.Id, version, started,
                        [new DeviceExpectation(owner, Present: false), new DeviceExpectation(to, Present: true)]);
                }
            }
            else
            {
                // Completed: the booking leaves the agenda on the next sync (the seed's data removal).
                var started = Stopwatch.GetTimestamp();
                if (await PatchAsync("bookableresourcebooking", booking.Id, new JsonObject { ["bookingstatus"] = FleetWorld.Completed }, cancellationToken) is { } version)
                {
                    world.Update(booking, b => b.Completed = true);
                    metrics.Completions.Increment();
                    write = new DispatcherWrite(booking.Id, "bookableresourcebooking", booking.Id, version, started, [new DeviceExpectation(owner, Present: false)]);
                }
            }
        }
        finally
        {
            if (write is null)
            {
                deliveries.Release(booking.Id);
            }
            else
            {
                deliveries.Track(write);
            }
        }
    }

    /// <summary>Merges <paramref name="change"/> whatever the record's version (If-Match: *), as a dispatcher's screen does; the new version, or null on failure.</summary>
    private async Task<long?> PatchAsync(string table, string id, JsonObject change, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri($"api/records/{table}/{id}", UriKind.Relative))
        {
            Content = new StringContent(change.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        using var response = await records.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK && response.Headers.ETag is { } etag
            && long.TryParse(etag.Tag.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return version;
        }
        metrics.DispatcherWriteFailures.Increment();
        metrics.Fail($"dispatcher PATCH {table}/{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return null;
    }
}
