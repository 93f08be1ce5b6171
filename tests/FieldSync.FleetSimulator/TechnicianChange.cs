namespace FieldSync.FleetSimulator;

/// <summary>
/// A technician's offline change followed until the dispatcher sees it: a work order update whose
/// <c>instructions</c> carry <see cref="Marker"/>, or a work order product created with <see cref="RecordId"/>.
/// </summary>
/// <param name="Sequence">The device's count of its own changes; a later marker of the same device on the record also shows this one went through.</param>
internal sealed record TechnicianChange(string DeviceId, string Table, string RecordId, long Sequence, string? Marker)
{
    public const string InstructionsColumn = "instructions";

    /// <summary>The <c>instructions</c> text of a device's n-th change: "fleet &lt;device&gt; #&lt;n&gt;".</summary>
    public static string MarkerOf(string deviceId, long sequence) => FormattableString.Invariant($"fleet {deviceId} #{sequence}");

    /// <summary>Whether <paramref name="instructions"/> on the server show this change or a later one of the same device.</summary>
    public bool ShownBy(string? instructions)
    {
        var prefix = $"fleet {DeviceId} #";
        return instructions is not null && instructions.StartsWith(prefix, StringComparison.Ordinal)
            && long.TryParse(instructions.AsSpan(prefix.Length), System.Globalization.CultureInfo.InvariantCulture, out var shown) && shown >= Sequence;
    }
}
