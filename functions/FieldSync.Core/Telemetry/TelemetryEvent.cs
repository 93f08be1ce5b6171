using System.Globalization;

namespace FieldSync.Core.Telemetry;

/// <summary>
/// One telemetry item: a name from <see cref="TelemetryNames.Events"/>, string dimensions and numeric measurements
/// (names from <see cref="TelemetryNames"/>), and the caller's user id where there is one. Never a record value, a
/// token or a filter parameter: ids, counts, durations and outcomes only.
/// </summary>
public sealed class TelemetryEvent(string name)
{
    public string Name { get; } = name;

    public Dictionary<string, string> Dimensions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, double> Measurements { get; } = new(StringComparer.Ordinal);

    /// <summary>The authenticated caller (becomes user_Id).</summary>
    public string? UserId { get; private set; }

    /// <summary>Sets a dimension; a null value leaves it out.</summary>
    public TelemetryEvent Dimension(string name, string? value)
    {
        if (value is not null)
        {
            Dimensions[name] = value;
        }
        return this;
    }

    public TelemetryEvent Dimension(string name, bool value) => Dimension(name, value ? "true" : "false");

    public TelemetryEvent Measure(string name, double value)
    {
        Measurements[name] = value;
        return this;
    }

    public TelemetryEvent User(string? userId)
    {
        UserId = userId;
        return this;
    }

    public override string ToString() => Name + " " + string.Join(", ",
        Dimensions.Select(d => $"{d.Key}={d.Value}").Concat(Measurements.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key}={m.Value}"))));
}
