namespace FieldSync.Core.Security;

/// <summary>
/// The result of authenticating a request: a caller, or why there is none. <see cref="Unavailable"/> says the
/// credentials could not be checked at all (the identity provider's metadata could not be read): the caller
/// should retry, not sign in again.
/// </summary>
public sealed record AuthResult(Caller? Caller, string? Failure, bool Unavailable = false)
{
    public static AuthResult Fail(string reason) => new(null, reason);

    public static AuthResult CannotCheck(string reason) => new(null, reason, Unavailable: true);
}
