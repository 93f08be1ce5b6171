namespace FieldSync.LocalHost.Azurite;

/// <summary>Finds the repository root: the folder holding <c>FieldSync.Functions.sln</c>.</summary>
public static class RepoRoot
{
    /// <summary>The file that marks the repository root.</summary>
    public const string MarkerFile = "FieldSync.Functions.sln";

    /// <summary>
    /// Walks up from the app's output directory, then from the current directory, to the folder
    /// holding <see cref="MarkerFile"/>. The output directory comes first because tests and
    /// <c>dotnet run</c> both run from inside the repository's bin folders whatever the shell's directory.
    /// </summary>
    /// <exception cref="InvalidOperationException">Neither start point is inside the repository.</exception>
    public static string Find()
        => TryFind(AppContext.BaseDirectory) ?? TryFind(Directory.GetCurrentDirectory())
           ?? throw new InvalidOperationException(
               $"Cannot find the FieldSync repository root (a folder holding {MarkerFile}) above {AppContext.BaseDirectory} " +
               $"or {Directory.GetCurrentDirectory()}. Run from inside the repository, or set AzureWebJobsStorage to use existing storage.");

    /// <summary>The nearest folder at or above <paramref name="start"/> holding <see cref="MarkerFile"/>, or null.</summary>
    public static string? TryFind(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, MarkerFile)))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>
    /// <c>&lt;repo root&gt;/.fieldsync</c>, created if missing: the git-ignored home of machine-local
    /// state (the local signing key, the npm install lock).
    /// </summary>
    public static string StateDirectory(string repoRoot)
        => Directory.CreateDirectory(Path.Combine(repoRoot, ".fieldsync")).FullName;
}
