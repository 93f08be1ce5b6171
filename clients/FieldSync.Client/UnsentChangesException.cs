namespace FieldSync.Client;

/// <summary>
/// A reset was asked while local changes have not reached the server. Nothing was cleared. Sync first, or ask the
/// user and reset with <see cref="ResetOptions.DiscardUnsentChanges"/>.
/// </summary>
public sealed class UnsentChangesException : Exception
{
    public UnsentChangesException(int unsentChanges)
        : base($"{unsentChanges} local change(s) have not reached the server; reset with ResetOptions.DiscardUnsentChanges to lose them.")
        => UnsentChanges = unsentChanges;

    public UnsentChangesException()
    {
    }

    public UnsentChangesException(string message)
        : base(message)
    {
    }

    public UnsentChangesException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How many changes would be lost.</summary>
    public int UnsentChanges { get; }
}
