using System.Web;
using FieldSync.Testing;
using Microsoft.ApplicationInsights;
using Microsoft.Extensions.DependencyInjection;

namespace FieldSync.Infra.Tests;

/// <summary>
/// With the deployed settings (local authentication off on the component), the worker's telemetry goes out with an
/// Entra token of the user-assigned identity the settings name: the real SDK, the real Azure.Identity managed-identity
/// client, both pointed at loopback stand-ins of Azure's endpoints.
/// </summary>
public class TelemetryUploadTests
{
    [Fact]
    public async Task DeployedSettings_Telemetry_IsSentWithTheUserAssignedIdentitysToken()
    {
        using var azure = new LocalAzureEndpoints();
        // What App Service and Flex Consumption set for a managed identity; Azure.Identity reads them on each credential.
        Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", azure.IdentityEndpoint);
        Environment.SetEnvironmentVariable("IDENTITY_HEADER", azure.IdentityHeader);
        try
        {
            var settings = TemplateAppSettings.Load().ToDictionary();
            // The one change: ingestion here instead of the component's regional endpoint.
            settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = azure.TelemetryConnectionString(Guid.NewGuid().ToString());
            await using var app = DeployedApp.Services(DeployedApp.Configuration(settings));
            var telemetry = app.GetRequiredService<TelemetryClient>();
            var probe = "FieldSyncDeploymentProbe" + Guid.NewGuid().ToString("N");
            telemetry.TrackEvent(probe);
            await telemetry.FlushAsync(CancellationToken.None);

            var upload = await azure.WaitForAsync(r => r.Body.Contains(probe, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            Assert.True(upload is not null, "no upload arrived; received: " + string.Join(", ", azure.Received.Select(r => r.Method + " " + r.PathAndQuery)));
            Assert.StartsWith("/v2.1/track", upload.PathAndQuery, StringComparison.Ordinal);
            Assert.Equal("Bearer " + azure.AccessToken, upload.Headers["Authorization"]);

            var tokenRequest = azure.Received.First(r => r.PathAndQuery.StartsWith("/msi/token", StringComparison.Ordinal));
            var query = HttpUtility.ParseQueryString(new Uri("http://x" + tokenRequest.PathAndQuery).Query);
            Assert.Equal(TemplateAppSettings.StandInIdentityClientId, query["client_id"]);
            Assert.StartsWith("https://monitor.azure.com", query["resource"], StringComparison.Ordinal);
            Assert.DoesNotContain(azure.Received, r => r.PathAndQuery.StartsWith("/v2/track", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("IDENTITY_ENDPOINT", null);
            Environment.SetEnvironmentVariable("IDENTITY_HEADER", null);
        }
    }
}
