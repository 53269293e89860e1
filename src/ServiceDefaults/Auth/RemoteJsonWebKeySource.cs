using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Auth;

/// <summary>
/// Fetches identity's JWKS and keeps it: refreshed on an interval, and early when a token names an unknown key
/// (a rotation), but never more often than the minimum interval, whether the last attempt worked or not (a token may
/// name any key id before its signature is checked, and identity must not be asked once per request while it
/// recovers). A failed fetch keeps the keys already known.
/// </summary>
public sealed class RemoteJsonWebKeySource(
    HttpClient http,
    IOptions<AuthOptions> options,
    TimeProvider clock,
    ILogger<RemoteJsonWebKeySource> logger) : IJsonWebKeySource
{
    readonly SemaphoreSlim _refresh = new(1, 1);
    volatile IReadOnlyDictionary<string, ECDsa> _keys = new Dictionary<string, ECDsa>();
    DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;   // the last fetch that worked
    DateTimeOffset _attemptedAt = DateTimeOffset.MinValue; // the last fetch, whether it worked or not

    public async ValueTask<ECDsa?> FindKeyAsync(string keyId, CancellationToken ct)
    {
        var settings = options.Value;
        if (_keys.TryGetValue(keyId, out var known) && (Since(_fetchedAt) < settings.JwksRefreshInterval || TooSoon(settings)))
            return known;
        if (known is null && TooSoon(settings))
            return null;

        await _refresh.WaitAsync(ct);
        try
        {
            if (!TooSoon(settings)) // another caller may have tried meanwhile
                await FetchAsync(settings.JwksUri, ct);
        }
        finally
        {
            _refresh.Release();
        }
        return _keys.GetValueOrDefault(keyId);
    }

    TimeSpan Since(DateTimeOffset moment) => clock.GetUtcNow() - moment;

    bool TooSoon(AuthOptions settings) => Since(_attemptedAt) < settings.JwksMinimumRefreshInterval;

    /// <summary>
    /// An attempt counts from its start, so requests with a known key keep using it while a fetch is under way; a
    /// failure counts from when it failed. One the caller cancelled (its client went away) does not count at all, so
    /// the next request tries at once instead of every token being refused for the minimum interval.
    /// </summary>
    async Task FetchAsync(string uri, CancellationToken ct)
    {
        var previous = _attemptedAt;
        var started = _attemptedAt = clock.GetUtcNow();
        try
        {
            var set = await http.GetFromJsonAsync<JsonWebKeySet>(uri, ct);
            var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
            foreach (var jwk in set?.Keys ?? [])
                if (jwk.ToPublicKey() is { } key)
                    keys[jwk.Kid] = key;
            _keys = keys;
            _fetchedAt = started;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _attemptedAt = previous;
            throw;
        }
        catch (Exception e)
        {
            _attemptedAt = clock.GetUtcNow();
            logger.LogWarning(e, "Could not fetch the JWKS from {JwksUri}; keeping {Count} known keys", uri, _keys.Count);
        }
    }
}
