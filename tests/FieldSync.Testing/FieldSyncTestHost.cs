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
        return StartAsync(azurite.ConnectionString, key, configure, cancellationToken);
    }

    /// <summary>
    /// The same on other storage. A host that runs beside other hosts in the test process needs an Azurite of its
    /// own (<see cref="FieldSync.LocalHost.Azurite.AzuriteProcess"/>): the table prefix keeps tables apart, but the queue
    /// names are fixed, and hosts on one Azurite would take each other's messages.
    /// </summary>
    public static Task<LocalFunctionHost> StartAsync(string storageConnectionString, TestSigningKey key, Action<LocalFunctionHostOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var options = new LocalFunctionHostOptions { StorageConnectionString = storageConnectionString };
        options.Settings["FieldSync:Storage:TablePrefix"] = AzuriteFixture.UniqueName("fs")[..12];
        foreach (var (name, value) in key.HostSettings)
        {
            options.Settings[name] = value;
        }
        configure?.Invoke(options);
        return LocalFunctionHost.StartAsync(options, cancellationToken);
    }
}
