using System.Net;
using System.Text.Json;
using FieldSync.Core.Online;
using FieldSync.Core.Records;
using FieldSync.Core.Security;
using FieldSync.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.EndToEnd.Tests;

/// <summary>Online mode over HTTP on the local host, on Azurite: who may read what, queries, paging and the cost bound.</summary>
[Collection(ApiGroup.Name)]
public class OnlineApiTests(ApiFixture api)
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..8];

    /// <summary>A technician assigned a profile that opens contact and workorder to online mode.</summary>
    private async Task<HttpClient> OnlineTechnicianAsync()
    {
        var profile = "online-" + suffix;
        using var admin = api.As("admin-" + suffix, Roles.Admin);
        using (var put = await admin.PutAsync(new Uri("api/admin/profiles/" + profile, UriKind.Relative), Http.JsonBody($$"""
            { "id": "{{profile}}", "name": "Online test", "settings": { "allowOnlineMode": true, "onlineTables": ["contact", "workorder"] },
              "tables": { "bookableresourcebooking": { "download": "filter", "filter": "resource eq @currentResource", "syncIntervalMinutes": 5 } } }
            """)))
        {
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        }
        var user = "online-tech-" + suffix;
        using (var assign = await admin.PutAsync(new Uri("api/admin/assignments/" + user, UriKind.Relative), Http.JsonBody($$"""{ "profileId": "{{profile}}" }""")))
        {
            Assert.True(assign.StatusCode == HttpStatusCode.OK, await assign.Content.ReadAsStringAsync());
        }
        return api.As(user, Roles.Technician);
    }

    private async Task CreateContactAsync(string id, string lastName, string? job = null)
    {
        using var dispatcher = api.Dispatcher();
        var job1 = job is null ? "" : $", \"jobtitle\": \"{job}\"";
        using var created = await dispatcher.PostAsync(new Uri("api/records/contact", UriKind.Relative),
            Http.JsonBody($$"""{ "id": "{{id}}", "fullname": "F {{lastName}}", "lastname": "{{lastName}}"{{job1}} }"""));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task QueryOnline_ProfileWithoutOnlineModeOrTableNotOpened_IsForbidden()
    {
        using var defaultTech = api.As("online-default-" + suffix, Roles.Technician);
        var refused = await (await defaultTech.GetAsync(new Uri("api/online/contact", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("does not allow online mode", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var tech = await OnlineTechnicianAsync();
        var notOpened = await (await tech.GetAsync(new Uri("api/online/product", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("does not open 'product'", notOpened.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await (await tech.GetAsync(new Uri("api/online/product/p-1", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await (await tech.GetAsync(new Uri("api/online/nosuchtable", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.NotFound, "unknown-table");
    }

    [Fact]
    public async Task QueryOnline_FilterSelectTopAndContinuation_ReturnEveryMatchOnce()
    {
        using var tech = await OnlineTechnicianAsync();
        var ids = Enumerable.Range(0, 7).Select(i => $"oc-{suffix}-{i}").ToList();
        foreach (var id in ids)
        {
            await CreateContactAsync(id, "Match" + suffix, "Engineer");
        }
        await CreateContactAsync($"oc-{suffix}-other", "Other" + suffix);

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var url = $"api/online/contact?$filter=lastname eq 'Match{suffix}'&$select=jobtitle&$top=3" + (continuation is null ? "" : "&continuation=" + continuation);
            using var response = await tech.GetAsync(new Uri(url, UriKind.Relative));
            var body = await response.JsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
            foreach (var row in body.GetProperty("value").EnumerateArray())
            {
                seen.Add(row.GetProperty("id").GetString()!);
                Assert.Equal("Engineer", row.GetProperty("jobtitle").GetString());
                Assert.False(row.TryGetProperty("lastname", out _)); // not selected
                Assert.True(row.TryGetProperty("version", out _));
            }
            continuation = body.TryGetProperty("continuation", out var next) ? next.GetString() : null;
            pages++;
        }
        while (continuation is not null && pages < 50);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Where(id => id.StartsWith($"oc-{suffix}", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(seen.Count, seen.Distinct().Count());

        using var one = await tech.GetAsync(new Uri($"api/online/contact/{ids[0]}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        var missing = await (await tech.GetAsync(new Uri($"api/online/contact/none-{suffix}", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.NotFound, "record-not-found");
        Assert.Equal("Record Not Found", missing.GetProperty("title").GetString());
    }

    [Fact]
    public async Task QueryOnline_BadQueries_AreValidationProblemsNamingTheCause()
    {
        using var tech = await OnlineTechnicianAsync();
        var syntax = await (await tech.GetAsync(new Uri("api/online/contact?$filter=lastname eq 'x' and (", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("position", syntax.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        var select = await (await tech.GetAsync(new Uri("api/online/contact?$select=nosuch", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal("$select", select.GetProperty("errors")[0].GetProperty("field").GetString());
        var order = await (await tech.GetAsync(new Uri("api/online/contact?$orderby=lastname", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Contains("has no index", order.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        await (await tech.GetAsync(new Uri("api/online/contact?continuation=bm90LW91cnM", UriKind.Relative))).AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task QueryOnline_LargeTableNoKey_EveryPageStaysInItsBoundAndPagingFindsEveryMatch()
    {
        using var tech = await OnlineTechnicianAsync();
        var store = api.Services.GetRequiredService<IRecordStore>();
        const int rows = 5_000;
        var needle = "Needle" + suffix;
        var now = DateTimeOffset.UtcNow;
        // Written through the store (50 records a transaction) so the test does not take 5,000 API calls; the last three match.
        foreach (var chunk in Enumerable.Range(0, rows).Chunk(50))
        {
            var writes = chunk.Select(i => new RecordWrite(new FieldSync.Core.Records.Record("contact", $"zz-{suffix}-{i:D5}", 1, now, "test", false,
                new Dictionary<string, object?> { ["fullname"] = "Bulk", ["lastname"] = i >= rows - 3 ? needle : "Bulk" }), null)).ToList();
            var written = await store.TryWriteAllAsync(writes, CancellationToken.None);
            Assert.NotNull(written);
            // No fan-out is wanted for these rows (no profile carries them offline): their markers go.
            await store.CompleteFanOutAsync([.. writes.Zip(written!).Select(w => new ChangedRecord("contact", w.First.Record.Id, w.Second.MarkerETag))], CancellationToken.None);
        }

        var reader = api.Services.GetRequiredService<OnlineReader>();
        var parameters = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["$filter"] = [$"lastname eq '{needle}'"] };
        var user = "online-tech-" + suffix;
        var found = new List<string>();
        var pages = 0;
        string? continuation = null;
        do
        {
            if (continuation is not null)
            {
                parameters["continuation"] = [continuation];
            }
            var meter = OperationMeter.Start();
            var result = await reader.QueryAsync(user, "contact", parameters, CancellationToken.None);
            Assert.Equal(OnlineOutcome.Ok, result.Outcome);
            Assert.True(meter.StorageTransactions <= OnlineLimits.MaxScanPageTransactions,
                $"page {pages} cost {meter.StorageTransactions} storage transactions; the bound is {OnlineLimits.MaxScanPageTransactions}");
            Assert.True(result.Page!.Examined <= OnlineLimits.MaxScanRowsPerPage);
            found.AddRange(result.Page.Records.Select(r => r.Id));
            continuation = result.Page.Continuation;
            pages++;
        }
        while (continuation is not null && pages < 100);
        Assert.Equal(Enumerable.Range(rows - 3, 3).Select(i => $"zz-{suffix}-{i:D5}"), found);
        Assert.True(pages >= rows / OnlineLimits.MaxScanRowsPerPage, $"{pages} pages for {rows} rows");

        // The same over HTTP, compressed: the first page finds nothing yet and still says where to go on.
        using var compressed = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip }) { BaseAddress = api.BaseAddress };
        compressed.DefaultRequestHeaders.Authorization = tech.DefaultRequestHeaders.Authorization;
        compressed.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip");
        using var first = await compressed.GetAsync(new Uri($"api/online/contact?$filter=lastname eq '{needle}'", UriKind.Relative));
        var body = await first.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Empty(body.GetProperty("value").EnumerateArray());
        Assert.True(body.TryGetProperty("continuation", out _));
    }

    [Fact]
    public async Task QueryOnline_Reads_ChangeNothingTheDeviceCarries()
    {
        using var dispatcher = api.Dispatcher();
        var (user, _, workOrder, _) = await FieldServiceData.TechnicianWithBookingAsync(dispatcher);
        using var tech = api.As(user, Roles.Technician);
        using var pull = await tech.PostAsync(new Uri("api/sync/pull", UriKind.Relative), Http.JsonBody($$"""{ "deviceId": "phone-{{user}}" }"""));
        var checkpoint = (await pull.JsonAsync()).GetProperty("checkpoint").GetString();
        var store = api.Services.GetRequiredService<IRecordStore>();
        var before = (await store.GetAsync("workorder", workOrder, CancellationToken.None))!.Record.Version;

        // The default profile refuses online mode; the refusal is a read too, and must leave everything as it was.
        using var online = await tech.GetAsync(new Uri($"api/online/workorder/{workOrder}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, online.StatusCode);
        using var query = await tech.GetAsync(new Uri("api/online/workorder", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, query.StatusCode);

        using var again = await tech.PostAsync(new Uri("api/sync/pull", UriKind.Relative),
            Http.JsonBody($$"""{ "deviceId": "phone-{{user}}", "checkpoint": {{JsonSerializer.Serialize(checkpoint)}} }"""));
        var delta = await again.JsonAsync();
        Assert.Equal("DELTA_SYNC", delta.GetProperty("syncMode").GetString());
        Assert.Empty(delta.GetProperty("changes").EnumerateObject());
        Assert.Equal(before, (await store.GetAsync("workorder", workOrder, CancellationToken.None))!.Record.Version);
    }
}
