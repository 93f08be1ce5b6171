namespace FieldSync.Core.FullDelta;

/// <summary>
/// A record the device should hold: its id, version, and the sequence number of its op in the bucket's log (what a fetch
/// sends back so the server reads the row by key range; opaque to the device otherwise).
/// </summary>
public sealed record MemberRow(string Id, long Version, long Seq);
