using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace FieldSync.Core.Security;

/// <summary>
/// The tenant's issuer and signing keys, read from its v2.0 OpenID metadata (and the jwks_uri it names), cached.
/// Re-read every <see cref="AutomaticRefreshInterval"/>, and when a token names a key not seen yet, at most once per
/// <see cref="KeyRefreshInterval"/>: a rotated key is accepted on its first token with no restart, and tokens with
/// made-up keys cannot make the app hammer Entra. The re-read happens before the answer (IdentityModel's own
/// ConfigurationManager re-reads in the background and would refuse that first token).
/// </summary>
public sealed class EntraMetadata : IDisposable
{
    public static readonly TimeSpan AutomaticRefreshInterval = TimeSpan.FromHours(12);
    public static readonly TimeSpan KeyRefreshInterval = TimeSpan.FromMinutes(5);

    private readonly string address;
    private readonly HttpDocumentRetriever retriever;
    private readonly TimeProvider clock;
    private readonly SemaphoreSlim gate = new(1, 1);
    private OpenIdConnectConfiguration? current;
    private DateTimeOffset readAt;
    private DateTimeOffset lastKeyRefresh = DateTimeOffset.MinValue;

    public EntraMetadata(Uri address, TimeProvider clock, HttpClient? http = null)
    {
        this.address = address.ToString();
        this.clock = clock;
        // Loopback http is allowed only so tests can serve metadata locally; AuthOptions.Validate refuses http anywhere else.
        retriever = new HttpDocumentRetriever(http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) }) { RequireHttps = !address.IsLoopback };
    }

    /// <summary>The metadata, read if there is none yet or it is older than <see cref="AutomaticRefreshInterval"/>.</summary>
    /// <exception cref="InvalidOperationException">There is none and it cannot be read.</exception>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken = default)
    {
        var known = Volatile.Read(ref current);
        if (known is not null && clock.GetUtcNow() - readAt < AutomaticRefreshInterval)
        {
            return known;
        }
        return await ReadAsync(force: false, cancellationToken) ?? known!;
    }

    /// <summary>
    /// Reads the metadata again for a token whose key is not in <paramref name="seen"/>; null when the last such
    /// read is more recent than <see cref="KeyRefreshInterval"/> or nothing new was published.
    /// </summary>
    public async Task<OpenIdConnectConfiguration?> RefreshForUnknownKeyAsync(OpenIdConnectConfiguration seen, CancellationToken cancellationToken = default)
    {
        if (clock.GetUtcNow() - lastKeyRefresh < KeyRefreshInterval)
        {
            return null;
        }
        var fresh = await ReadAsync(force: true, cancellationToken);
        return fresh is null || ReferenceEquals(fresh, seen) ? null : fresh;
    }

    private async Task<OpenIdConnectConfiguration?> ReadAsync(bool force, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            if (force)
            {
                if (now - lastKeyRefresh < KeyRefreshInterval)
                {
                    return current;
                }
                lastKeyRefresh = now;
            }
            else if (current is not null && now - readAt < AutomaticRefreshInterval)
            {
                return current; // another caller read it while this one waited
            }
            try
            {
                var read = await OpenIdConnectConfigurationRetriever.GetAsync(address, retriever, cancellationToken);
                if (string.IsNullOrEmpty(read.Issuer) || read.SigningKeys.Count == 0)
                {
                    throw new InvalidOperationException($"The OpenID metadata at {address} names no issuer or no signing key.");
                }
                Volatile.Write(ref current, read);
                readAt = now;
                return read;
            }
            catch (Exception ex) when (current is not null && ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException)
            {
                // Entra unreachable for a while: the keys read before stay good (they are published for weeks).
                return null;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
