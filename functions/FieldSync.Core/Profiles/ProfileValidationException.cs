namespace FieldSync.Core.Profiles;

/// <summary>One problem in a profile document.</summary>
/// <param name="Path">Where: <c>$</c> for the document, else a dotted path such as <c>tables.workorder.relatedTo[0]</c>.</param>
/// <param name="Message">What is wrong, and where it helps, what would be right.</param>
public sealed record ProfileError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// A profile that cannot be used. <see cref="Errors"/> lists every problem found, so an admin fixes them in one
/// round, and nothing of the profile is applied: a half-applied profile would send devices the wrong rows.
/// </summary>
public sealed class ProfileValidationException(IReadOnlyList<ProfileError> errors)
    : Exception($"The offline profile is invalid:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", errors)}")
{
    public IReadOnlyList<ProfileError> Errors { get; } = errors;
}
