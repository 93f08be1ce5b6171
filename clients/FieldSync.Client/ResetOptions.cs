namespace FieldSync.Client;

/// <summary>What a reset may throw away.</summary>
[Flags]
public enum ResetOptions
{
    /// <summary>Clear the offline data; refuse (<see cref="UnsentChangesException"/>) while changes are waiting to be sent.</summary>
    None = 0,

    /// <summary>The user confirmed that changes not yet accepted by the server are lost: the outbox is cleared too.</summary>
    DiscardUnsentChanges = 1,
}
