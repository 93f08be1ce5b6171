using System.Security.Cryptography;
using FieldSync.LocalHost.Azurite;

namespace FieldSync.LocalHost.Cli;

/// <summary>
/// The machine-local JWT signing key shared by <c>run</c> and <c>token</c>: 32 random bytes, base64, in
/// &lt;repo root&gt;/.fieldsync/local-signing-key (git-ignored). A file rather than a constant, so no key is
/// committed, and tokens printed by <c>token</c> keep working across restarts of <c>run</c>.
/// </summary>
internal static class LocalSigningKey
{
    public static byte[] LoadOrCreate(string repoRoot)
    {
        var path = Path.Combine(RepoRoot.StateDirectory(repoRoot), "local-signing-key");
        if (!File.Exists(path))
        {
            try
            {
                // CreateNew: if another process wins the race, we read its key below instead of overwriting it.
                using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                if (!OperatingSystem.IsWindows())
                {
                    // Owner-only, like an SSH key: anyone who can read it can mint tokens for run.
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
                using var writer = new StreamWriter(file);
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            }
            catch (IOException) when (File.Exists(path))
            {
            }
        }
        var text = File.ReadAllText(path).Trim();
        try
        {
            var key = Convert.FromBase64String(text);
            return key.Length >= 32 ? key : throw new FormatException("shorter than 32 bytes");
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{path} does not hold a base64 key of at least 32 bytes ({ex.Message}); delete it to create a new one.", ex);
        }
    }
}
