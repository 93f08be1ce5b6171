namespace FieldSync.Core.FullDelta;

/// <summary>The bounds that keep a verify or a fetch a bounded number of storage transactions whatever the data size.</summary>
public static class FullDeltaLimits
{
    /// <summary>
    /// Feed entries a verify answer reads at most (so it lists at most as many rows): five storage pages of 1,000, as
    /// many as a pull page delivers. The device may ask for fewer (<c>pageSize</c>).
    /// </summary>
    public const int MaxPageRows = 5000;

    /// <summary>Ids one fetch may name.</summary>
    public const int MaxFetchIds = 1000;

    /// <summary>Longest continuation token accepted; those the server issues are far shorter.</summary>
    public const int MaxContinuationLength = 2048;
}
