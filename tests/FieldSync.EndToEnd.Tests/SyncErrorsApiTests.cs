using System.Net;
using System.Text.Json;
using FieldSync.Core.Security;
using FieldSync.Core.SyncErrors;
using FieldSync.Functions.Timers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FieldSync.EndToEnd.Tests;

/// <summary>The admin sync-errors API over HTTP on the local host; errors are seeded through the host's own store.</summary>
[Collection(ApiGroup.Name)]
public class SyncErrorsApiTests(ApiFixture api)
{
    private HttpClient Admin() => api.As("admin1", Roles.Admin);

    /// <summary>Three errors of a user nobody else has, newest first: two devices, two tables, one without data.</summary>
    private async Task<(string User, SyncError[] Errors)> SeedAsync()
    {
        var user = "tech-" + Guid.NewGuid().ToString("N")[..8];
        var store = api.Services.GetRequiredService<ISyncErrorStore>();
        var now = DateTimeOffset.UtcNow;
        SyncError[] errors =
        [
            new($"{user}-phone-1|2|0", now.AddMinutes(-1), SyncErrorType.Conflict, "conflict", "The server's record changed since the device read it; the server won.",
                user, user + "-phone-1", "workorder", "wo-1", "update", """{ "name": "From the device", "priority": 2 }""", """{"name":"On the server"}""", "batch-2"),
            new($"{user}-phone-2|1|0", now.AddMinutes(-2), SyncErrorType.Permission, "permission", "Technicians may not delete bookings.",
                user, user + "-phone-2", "bookableresourcebooking", "bk-1", "delete", "not json", null, "batch-1"),
            new($"{user}-phone-1|1|3", now.AddHours(-30), SyncErrorType.Other, "other", "Set aside after repeated failures.",
                user, user + "-phone-1", null, null, null, null, null, null),
        ];
        var added = new List<SyncError>();
        foreach (var error in errors)
        {
            added.Add(await store.AddAsync(error, CancellationToken.None));
        }
        return (user, added.ToArray());
    }

    private static async Task<(List<JsonElement> Errors, string? Continuation)> ListAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync(new Uri("api/admin/sync-errors?" + query, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        var continuation = body.TryGetProperty("continuation", out var c) ? c.GetString() : null;
        return (body.GetProperty("value").EnumerateArray().ToList(), continuation);
    }

    private static string[] Ids(IEnumerable<JsonElement> errors) => errors.Select(e => e.GetProperty("id").GetString()!).ToArray();

    [Theory]
    [InlineData("api/admin/sync-errors")]
    [InlineData("api/admin/sync-errors/20260310.2516000000000000000.0123456789abcdef")]
    public async Task SyncErrors_NoToken_Returns401(string url)
    {
        using var client = api.Anonymous();
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Theory]
    [InlineData(Roles.Technician, "api/admin/sync-errors")]
    [InlineData(Roles.Dispatcher, "api/admin/sync-errors")]
    [InlineData(Roles.Technician, "api/admin/sync-errors/20260310.2516000000000000000.0123456789abcdef")]
    [InlineData(Roles.Dispatcher, "api/admin/sync-errors/20260310.2516000000000000000.0123456789abcdef")]
    public async Task SyncErrors_NotAdmin_Returns403(string role, string url)
    {
        using var client = api.As("someone", role);
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task ListSyncErrors_Filters_ReturnMatchingErrorsNewestFirst()
    {
        var (user, seeded) = await SeedAsync();
        using var admin = Admin();

        var (all, _) = await ListAsync(admin, $"userId={user}");
        Assert.Equal(seeded.Select(e => e.Id!), Ids(all));

        var (phone1, _) = await ListAsync(admin, $"userId={user}&deviceId={user}-phone-1");
        Assert.Equal([seeded[0].Id!, seeded[2].Id!], Ids(phone1));

        var (bookings, _) = await ListAsync(admin, $"userId={user}&table=bookableresourcebooking");
        Assert.Equal([seeded[1].Id!], Ids(bookings));

        var (byDevice, _) = await ListAsync(admin, $"deviceId={user}-phone-2");
        Assert.Equal([seeded[1].Id!], Ids(byDevice));

        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-2).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        var (recent, _) = await ListAsync(admin, $"userId={user}&from={from}");
        Assert.Equal([seeded[0].Id!, seeded[1].Id!], Ids(recent));

        var to = DateTimeOffset.UtcNow.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var (older, _) = await ListAsync(admin, $"userId={user}&to={to}");
        Assert.Equal([seeded[2].Id!], Ids(older));

        var (none, continuation) = await ListAsync(admin, $"userId={user}&table=account");
        Assert.Empty(none);
        Assert.Null(continuation);
    }

    [Fact]
    public async Task ListSyncErrors_PageSizeOne_FollowsContinuationToEveryError()
    {
        var (user, seeded) = await SeedAsync();
        using var admin = Admin();
        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var (page, next) = await ListAsync(admin, $"userId={user}&pageSize=1" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            Assert.True(page.Count <= 1);
            seen.AddRange(Ids(page));
            continuation = next;
        }
        while (continuation is not null && ++pages < 100);
        Assert.Equal(seeded.Select(e => e.Id!), seen);
    }

    [Fact]
    public async Task GetSyncError_Known_ReturnsEveryField()
    {
        var (user, seeded) = await SeedAsync();
        using var admin = Admin();
        using var response = await admin.GetAsync(new Uri("api/admin/sync-errors/" + seeded[0].Id, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var error = await response.JsonAsync();

        Assert.Equal(seeded[0].Id, error.GetProperty("id").GetString());
        Assert.Equal(seeded[0].OccurredOn, DateTimeOffset.Parse(error.GetProperty("occurredOn").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("Z", error.GetProperty("occurredOn").GetString(), StringComparison.Ordinal);
        Assert.Equal("Conflict", error.GetProperty("type").GetString());
        Assert.Equal("conflict", error.GetProperty("errorCode").GetString());
        Assert.Equal(seeded[0].Message, error.GetProperty("message").GetString());
        Assert.Equal(user, error.GetProperty("userId").GetString());
        Assert.Equal(user + "-phone-1", error.GetProperty("deviceId").GetString());
        Assert.Equal("workorder", error.GetProperty("table").GetString());
        Assert.Equal("wo-1", error.GetProperty("recordId").GetString());
        Assert.Equal("update", error.GetProperty("action").GetString());
        Assert.Equal(2, error.GetProperty("deviceData").GetProperty("priority").GetInt32());
        Assert.Equal("On the server", error.GetProperty("serverData").GetProperty("name").GetString());
        Assert.Equal("batch-2", error.GetProperty("batchId").GetString());
        Assert.False(error.TryGetProperty("key", out _));

        // Not JSON stays a string; what was not recorded is null.
        var (listed, _) = await ListAsync(admin, $"userId={user}");
        Assert.Equal("not json", listed[1].GetProperty("deviceData").GetString());
        Assert.Equal(JsonValueKind.Null, listed[1].GetProperty("serverData").ValueKind);
        Assert.Equal("Permission", listed[1].GetProperty("type").GetString());
        Assert.Equal("Other", listed[2].GetProperty("type").GetString());
        foreach (var name in new[] { "table", "recordId", "action", "deviceData", "serverData", "batchId" })
        {
            Assert.Equal(JsonValueKind.Null, listed[2].GetProperty(name).ValueKind);
        }
    }

    [Theory]
    [InlineData("20260310.2516000000000000000.0123456789abcdef")]
    [InlineData("not-an-id")]
    public async Task GetSyncError_Unknown_Returns404(string id)
    {
        using var admin = Admin();
        using var response = await admin.GetAsync(new Uri("api/admin/sync-errors/" + id, UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "sync-error-not-found");
    }

    [Theory]
    [InlineData("nope=1", "nope")]
    [InlineData("userId=tech1&userId=tech2", "userId")]
    [InlineData("userId=", "userId")]
    [InlineData("userId=bad%20id", "userId")]
    [InlineData("userId=o'brien", "userId")]
    [InlineData("deviceId=phone%2F1", "deviceId")]
    [InlineData("table=spaceship", "table")]
    [InlineData("from=2026-03-10T12:00:00", "from")]
    [InlineData("from=2026-03-10", "from")]
    [InlineData("from=03/10/2026%2012:00:00Z", "from")]
    [InlineData("from=2026-03-10T12:00:00+01:00", "from")] // an unescaped '+' arrives as a space
    [InlineData("to=yesterday", "to")]
    [InlineData("from=1600-12-31T23:59:59Z", "from")]
    [InlineData("to=0001-01-01T00:00:00Z", "to")]
    [InlineData("from=0001-01-01T00:00:00Z&to=2026-03-10T11:59:59Z", "from")]
    [InlineData("from=2026-03-10T12:00:00Z&to=2026-03-10T11:59:59Z", "from")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("pageSize=1001", "pageSize")]
    [InlineData("pageSize=ten", "pageSize")]
    [InlineData("pageSize=-5", "pageSize")]
    [InlineData("continuation=garbage!!", "continuation")]
    [InlineData("continuation=", "continuation")]
    public async Task ListSyncErrors_BadParameter_Returns400(string query, string field)
    {
        using var admin = Admin();
        using var response = await admin.GetAsync(new Uri("api/admin/sync-errors?" + query, UriKind.Relative));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
        Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task ListSyncErrors_ContinuationWithOtherFilters_Returns400()
    {
        var (user, _) = await SeedAsync();
        using var admin = Admin();
        var (_, continuation) = await ListAsync(admin, $"userId={user}&pageSize=1");
        Assert.NotNull(continuation);
        using var response = await admin.GetAsync(new Uri($"api/admin/sync-errors?userId={user}&table=workorder&pageSize=1&continuation={Uri.EscapeDataString(continuation)}", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task ListSyncErrors_OffsetTimes_AreAccepted()
    {
        var (user, seeded) = await SeedAsync();
        using var admin = Admin();
        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(2)).AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture));
        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(-5)).AddDays(-2).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        var (listed, _) = await ListAsync(admin, $"userId={user}&from={from}&to={to}&pageSize=1000");
        Assert.Equal(seeded.Select(e => e.Id!), Ids(listed));
    }

    private SyncErrorTimerFunctions Timer(string? retentionDays)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [SyncErrorTimerFunctions.RetentionDaysSetting] = retentionDays })
            .Build();
        return new SyncErrorTimerFunctions(api.Services.GetRequiredService<ISyncErrorStore>(), configuration, TimeProvider.System,
            NullLogger<SyncErrorTimerFunctions>.Instance);
    }

    [Theory]
    [InlineData(null, 30)]
    [InlineData("", 30)]
    [InlineData("7", 7)]
    [InlineData("3650", 3650)]
    [InlineData("0", 30)]
    [InlineData("3651", 30)]
    [InlineData("-1", 30)]
    [InlineData("a week", 30)]
    public void PurgeSyncErrors_RetentionDays_IsValidatedWithDefault30(string? setting, int expected)
        => Assert.Equal(expected, Timer(setting).RetentionDays());

    [Fact]
    public async Task PurgeSyncErrors_Timer_DeletesErrorsPastTheRetentionOnly()
    {
        var (user, seeded) = await SeedAsync();
        var store = api.Services.GetRequiredService<ISyncErrorStore>();
        var old = await store.AddAsync(seeded[0] with { Key = user + "-old", OccurredOn = DateTimeOffset.UtcNow.AddDays(-45), Id = null }, CancellationToken.None);
        Assert.NotNull(await store.GetAsync(old.Id!, CancellationToken.None));

        await Timer("40").PurgeSyncErrors(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

        Assert.Null(await store.GetAsync(old.Id!, CancellationToken.None));
        foreach (var error in seeded)
        {
            Assert.NotNull(await store.GetAsync(error.Id!, CancellationToken.None));
        }
    }
}
