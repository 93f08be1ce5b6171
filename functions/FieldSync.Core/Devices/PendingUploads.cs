namespace FieldSync.Core.Devices;

/// <summary>Accepted batches not applied yet, and the changes they carry (Power Apps counts pending uploads as individual changes).</summary>
public sealed record PendingUploads(long Batches, long Changes);
