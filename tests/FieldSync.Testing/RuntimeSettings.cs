using Microsoft.Extensions.Configuration;

namespace FieldSync.Testing;

/// <summary>
/// Settings a test changes while a host runs, as an operator changes an app setting: only this source reloads, and
/// options monitors (IOptionsMonitor) see the new value.
/// </summary>
public sealed class RuntimeSettings : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Change(string key, string? value)
    {
        Data[key] = value;
        OnReload();
    }
}
