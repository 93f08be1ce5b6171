using FieldSync.LocalHost.Azurite;
using Xunit;

namespace FieldSync.Testing;

/// <summary>
/// Azurite for tests: one in-memory instance per test assembly (per test process), started on first
/// use on free ports, killed when the process exits. Use as <c>IClassFixture&lt;AzuriteFixture&gt;</c> or a
/// collection fixture; every fixture instance in the assembly shares the same Azurite, so tests
/// isolate themselves with unique queue and table names rather than by restarting storage.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // Static: xunit 2 has no assembly fixtures, and starting Azurite per test class would cost seconds each.
    private static readonly Lazy<Task<AzuriteProcess>> Shared = new(() => AzuriteProcess.StartAsync());

    private AzuriteProcess? _azurite;

    /// <summary>The shared Azurite process.</summary>
    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("AzuriteFixture is not initialized yet.");

    /// <summary>The connection string for the shared Azurite.</summary>
    public string ConnectionString => Azurite.ConnectionString;

    /// <inheritdoc/>
    public async Task InitializeAsync() => _azurite = await Shared.Value;

    /// <summary>Nothing: other test classes still use the shared Azurite. AzuriteProcess kills it at process exit.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A name that no other test uses, valid for queues and tables (lower-case letters and digits, starts with a letter).</summary>
    public static string UniqueName(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..20];
}
