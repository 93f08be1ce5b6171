using System.Net;

namespace FieldSync.EndToEnd.Tests;

/// <summary>Records a dispatcher creates for a new technician: their resource, an account, a work order and a booking tomorrow.</summary>
internal static class FieldServiceData
{
    public static readonly string Tomorrow = DateTimeOffset.UtcNow.Date.AddDays(1).AddHours(9).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A technician ("tech-&lt;suffix&gt;") with one booking of one work order; ids end with the same random suffix.</summary>
    public static async Task<(string User, string Booking, string WorkOrder, string Suffix)> TechnicianWithBookingAsync(HttpClient dispatcher)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var user = "tech-" + suffix;
        async Task Create(string table, string json)
        {
            using var response = await dispatcher.PostAsync(new Uri($"api/records/{table}", UriKind.Relative), Http.JsonBody(json));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }
        using (var status = await dispatcher.PostAsync(new Uri("api/records/bookingstatus", UriKind.Relative),
            Http.JsonBody("""{ "id": "bookingstatus-scheduled", "name": "Scheduled" }""")))
        {
            Assert.True(status.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict);
        }
        await Create("bookableresource", $$"""{ "id": "res-{{suffix}}", "name": "Tech {{suffix}}", "userid": "{{user}}" }""");
        await Create("account", $$"""{ "id": "acc-{{suffix}}", "name": "Account {{suffix}}" }""");
        await Create("workorder", $$"""{ "id": "wo-{{suffix}}", "name": "WO {{suffix}}", "serviceaccount": "acc-{{suffix}}" }""");
        await Create("bookableresourcebooking", $$"""
            { "id": "bk-{{suffix}}", "name": "Visit", "resource": "res-{{suffix}}", "workorder": "wo-{{suffix}}",
              "starttime": "{{Tomorrow}}", "endtime": "{{Tomorrow}}", "bookingstatus": "bookingstatus-scheduled" }
            """);
        return (user, "bk-" + suffix, "wo-" + suffix, suffix);
    }
}
