namespace FieldSync.Client;

/// <summary>
/// The server answered something the protocol does not allow (a pull without a checkpoint, a row without an id or
/// version, an unknown sync mode, a receipt for another batch...). Nothing of that answer was applied: the local
/// database is as it was before the request.
/// </summary>
public sealed class FieldSyncProtocolException : Exception
{
    public FieldSyncProtocolException()
    {
    }

    public FieldSyncProtocolException(string message)
        : base(message)
    {
    }

    public FieldSyncProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
