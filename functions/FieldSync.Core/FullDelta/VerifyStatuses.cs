namespace FieldSync.Core.FullDelta;

/// <summary>What a verify answers for a table.</summary>
public static class VerifyStatuses
{
    /// <summary>The device's count and checksum are the bucket's: nothing to repair.</summary>
    public const string Matched = "matched";

    /// <summary>They differ (or the table was not reported): the answer lists the ids and versions the device should hold.</summary>
    public const string Repair = "repair";
}
