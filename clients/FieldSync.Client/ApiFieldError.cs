namespace FieldSync.Client;

/// <summary>One invalid field named by a 400 validation problem.</summary>
/// <param name="Field">The path in the request, e.g. <c>changes[2].values.quantity</c>.</param>
/// <param name="Message">Why it was refused.</param>
public sealed record ApiFieldError(string Field, string Message);
