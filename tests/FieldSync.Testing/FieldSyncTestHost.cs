using FieldSync.LocalHost.Hosting;

namespace FieldSync.Testing;

/// <summary>Starts the real FieldSync function app (the default functions.metadata) on the shared Azurite.</summary>
public static class FieldSyncTestHost
{
    /// <summary>
    /// A <see cref="LocalFunctionHost"/> on a free port, on <paramref name="azurite"/>'s storage, accepting
    /// tokens signed by <paramref name="key"/>, with its own table prefix (<c>FieldSync:Storage:TablePrefix</c>)
    /// so hosts sharing the assembly's Azurite never see each other's records. <paramref name="configure"/>
    /// can add or override settings and services. The caller disposes the host.
    /// </summary>
    public static Task<LocalFunctionHost> StartAsync(AzuriteFixture azurite, TestSigningKey key, Action<LocalFunctionHostOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        ArgumentNullException.ThrowIfNull(key);
        var options = new LocalFunctionHostOptions { StorageConnectionString = azurite.ConnectionString };
        options.Settings["FieldSync:Storage:TablePrefix"] = AzuriteFixture.UniqueName("fs")[..12];
        foreach (var (name, value) in key.HostSettings)
        {
            options.Settings[name] = value;
        }
        configure?.Invoke(options);
        return LocalFunctionHost.StartAsync(options, cancellationToken);
    }
}
