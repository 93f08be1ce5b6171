namespace FieldSync.Client.Outbox;

/// <summary>What a queued local change does to its record (the push protocol's <c>action</c>).</summary>
public enum OutboxAction
{
    Create,
    Update,
    Delete,
}
