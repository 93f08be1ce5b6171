using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FieldSync.LocalHost.Hosting;
using FieldSync.Testing;

namespace FieldSync.LocalHost.Tests;

/// <summary>
/// The real FieldSync function app, from the functions.metadata its build generates (copied to this
/// output through the local host's build): every function must be bound and every HTTP route served.
/// </summary>
public sealed class RealFunctionAppTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private static readonly string MetadataPath = Path.Combine(AppContext.BaseDirectory, "functions.metadata");

    private LocalFunctionHost _host = null!;

    public async Task InitializeAsync() => _host = await FieldSyncTestHost.StartAsync(azurite, TestSigningKey.Create());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("RemoveStaleDevices", "2026-03-14T13:10:00Z")]
    [InlineData("PurgeProcessedBatches", "2026-03-14T12:50:00Z")]
    public void CleanupTimers_RealMetadata_AreBoundAndFireHourly(string name, string next)
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath));
        var function = metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name);
        var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "timerTrigger");
        var schedule = TimerSchedule.Parse(trigger.GetProperty("schedule").GetString()!);
        var at = new DateTimeOffset(2026, 3, 14, 12, 30, 0, TimeSpan.Zero);

        Assert.Equal(DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture), schedule.GetNextOccurrence(at));
        Assert.Equal(schedule.GetNextOccurrence(at)!.Value.AddHours(1), schedule.GetNextOccurrence(schedule.GetNextOccurrence(at)!.Value));
        Assert.Contains(name, _host.Functions.Select(f => f.Name));
    }

    [Fact]
    public void StartAsync_DefaultOptions_BindsEveryFunctionInTheRealMetadata()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath));
        var names = metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToList();

        Assert.NotEmpty(names);
        Assert.Equal(names.Order(), _host.Functions.Select(f => f.Name).Order());
    }

    [Fact]
    public async Task Send_EveryHttpFunctionWithItsMethod_IsServedNotNoSuchRoute()
    {
        using var client = _host.CreateClient();
        var checkedRoutes = 0;
        foreach (var function in _host.Functions.Where(f => f.Trigger == TriggerKind.Http))
        {
            var path = FillRouteParameters(function.Route!);
            foreach (var method in function.Methods.DefaultIfEmpty("GET"))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }
                using var response = await client.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();

                // 401/403/404 from the function itself are fine: they prove the route reached it.
                Assert.False(IsNoSuchRoute(response, body), $"{function.Name}: {method} /{path} was not served: {body}");
                Assert.True((int)response.StatusCode < 500, $"{function.Name}: {method} /{path} answered {(int)response.StatusCode}: {body}");
                checkedRoutes++;
            }
        }
        Assert.True(checkedRoutes > 0);
    }

    /// <summary>Replaces each {parameter} with "x", or a value satisfying its type constraint.</summary>
    private static string FillRouteParameters(string route) => Regex.Replace(route, @"\{\*{0,2}([^}:=?]+)(:[^}]*)?\??\}", match =>
        match.Groups[2].Value switch
        {
            var c when c.StartsWith(":int", StringComparison.Ordinal) || c.StartsWith(":long", StringComparison.Ordinal) => "1",
            var c when c.StartsWith(":guid", StringComparison.Ordinal) => Guid.Empty.ToString(),
            _ => "x",
        });

    private static bool IsNoSuchRoute(HttpResponseMessage response, string body)
    {
        if (response.StatusCode != HttpStatusCode.NotFound || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.TryGetProperty("type", out var type) && type.GetString() == LocalFunctionHost.NoSuchRouteProblemType;
    }
}
