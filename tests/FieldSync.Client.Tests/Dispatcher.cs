using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FieldSync.Client.Tests;

/// <summary>The back office over the records and admin APIs: makes a technician's agenda and edits it while devices sync.</summary>
public sealed class Dispatcher(HttpClient records, HttpClient admin) : IDisposable
{
    public static readonly string Tomorrow = DateTimeOffset.UtcNow.Date.AddDays(1).AddHours(9).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A technician with a bookable resource, an account, a work order and a booking of it tomorrow (ids share a random suffix).</summary>
    public async Task<Agenda> NewTechnicianAsync()
    {
        var s = Guid.NewGuid().ToString("N")[..8];
        var agenda = new Agenda("tech-" + s, "res-" + s, "acc-" + s, "wo-" + s, "bk-" + s);
        await EnsureAsync("bookingstatus", new JsonObject { ["id"] = "bookingstatus-scheduled", ["name"] = "Scheduled" });
        await EnsureAsync("bookingstatus", new JsonObject { ["id"] = "bookingstatus-completed", ["name"] = "Completed" });
        await CreateAsync("bookableresource", new JsonObject { ["id"] = agenda.Resource, ["name"] = "Tech " + s, ["userid"] = agenda.User });
        await CreateAsync("account", new JsonObject { ["id"] = agenda.Account, ["name"] = "Account " + s });
        await CreateAsync("workorder", new JsonObject { ["id"] = agenda.WorkOrder, ["name"] = "WO " + s, ["serviceaccount"] = agenda.Account });
        await CreateAsync("bookableresourcebooking", new JsonObject
        {
            ["id"] = agenda.Booking, ["name"] = "Visit", ["resource"] = agenda.Resource, ["workorder"] = agenda.WorkOrder,
            ["starttime"] = Tomorrow, ["endtime"] = Tomorrow, ["bookingstatus"] = "bookingstatus-scheduled",
        });
        return agenda;
    }

    /// <summary>Changes columns of a record whatever its version (If-Match: *), as a dispatcher's screen does.</summary>
    public async Task EditAsync(string table, string id, JsonObject changes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri($"api/records/{table}/{id}", UriKind.Relative)) { Content = Json(changes) };
        request.Headers.TryAddWithoutValidation("If-Match", "*");
        using var response = await records.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public async Task<JsonElement> ReadAsync(string table, string id)
    {
        using var response = await records.GetAsync(new Uri($"api/records/{table}/{id}", UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>The admin's Reset on the device: its next pull answers <c>reset</c>.</summary>
    public async Task ResetDeviceAsync(string deviceId)
    {
        using var response = await admin.PostAsync(new Uri($"api/admin/devices/{deviceId}/reset", UriKind.Relative), null);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The admin copies the default profile as <paramref name="profileId"/> with <paramref name="settings"/> changed and
    /// assigns it to <paramref name="user"/> (before the device's first sync, so it is the profile that sync gets).
    /// </summary>
    public async Task AssignProfileAsync(string user, string profileId, JsonObject settings)
    {
        using var read = await admin.GetAsync(new Uri("api/admin/profiles/field-service-mobile", UriKind.Relative));
        Assert.True(read.StatusCode == HttpStatusCode.OK, await read.Content.ReadAsStringAsync());
        var profile = JsonNode.Parse(await read.Content.ReadAsStringAsync())!.AsObject();
        profile["id"] = profileId;
        profile["name"] = "Client tests " + profileId;
        var current = profile["settings"]?.AsObject() ?? [];
        foreach (var (name, value) in settings)
        {
            current[name] = value?.DeepClone();
        }
        profile["settings"] = current.DeepClone();
        using var put = await admin.PutAsync(new Uri($"api/admin/profiles/{profileId}", UriKind.Relative), Json(profile));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        using var assign = await admin.PutAsync(new Uri($"api/admin/assignments/{user}", UriKind.Relative), Json(new JsonObject { ["profileId"] = profileId }));
        Assert.True(assign.StatusCode == HttpStatusCode.OK, await assign.Content.ReadAsStringAsync());
    }

    public void Dispose()
    {
        records.Dispose();
        admin.Dispose();
    }

    private async Task CreateAsync(string table, JsonObject record)
    {
        using var response = await records.PostAsync(new Uri($"api/records/{table}", UriKind.Relative), Json(record));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    // Shared reference rows: the first test creates them, later ones find them there.
    private async Task EnsureAsync(string table, JsonObject record)
    {
        using var response = await records.PostAsync(new Uri($"api/records/{table}", UriKind.Relative), Json(record));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
