using FieldSync.Client.Wire;

namespace FieldSync.Client.Http;

/// <summary>A push's answer: the receipt (202), or the 400 validation problem that refused the batch whole.</summary>
internal sealed record PushAnswer(PushReceiptBody? Receipt, FieldSyncApiException? Refused);
