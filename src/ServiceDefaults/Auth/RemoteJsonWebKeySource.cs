using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Auth;

/// <summary>
/// Fetches identity's JWKS and keeps it: refreshed on an interval, and early when a token names an unknown key
/// (a rotation), but never more often than the minimum interval. A failed fetch keeps the keys already known.
/// </summary>
public sealed class RemoteJsonWebKeySource(
    HttpClient http,
    IOptions<AuthOptions> options,
    TimeProvider clock,
    ILogger<RemoteJsonWebKeySource> logger) : IJsonWebKeySource
{
    readonly SemaphoreSlim _refresh = new(1, 1);
    volatile IReadOnlyDictionary<string, ECDsa> _keys = new Dictionary<string, ECDsa>();
    DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public async ValueTask<ECDsa?> FindKeyAsync(string keyId, CancellationToken ct)
    {
        var settings = options.Value;
        var age = clock.GetUtcNow() - _fetchedAt;
        if (_keys.TryGetValue(keyId, out var known) && age < settings.JwksRefreshInterval)
            return known;
        if (known is null && age < settings.JwksMinimumRefreshInterval)
            return null;

        await _refresh.WaitAsync(ct);
        try
        {
            age = clock.GetUtcNow() - _fetchedAt; // another caller may have refreshed meanwhile
            if (age >= settings.JwksMinimumRefreshInterval)
                await FetchAsync(settings.JwksUri, ct);
        }
        finally
        {
            _refresh.Release();
        }
        return _keys.GetValueOrDefault(keyId);
    }

    async Task FetchAsync(string uri, CancellationToken ct)
    {
        try
        {
            var set = await http.GetFromJsonAsync<JsonWebKeySet>(uri, ct);
            var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
            foreach (var jwk in set?.Keys ?? [])
                if (jwk.ToPublicKey() is { } key)
                    keys[jwk.Kid] = key;
            _keys = keys;
            _fetchedAt = clock.GetUtcNow();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _fetchedAt = clock.GetUtcNow() - options.Value.JwksRefreshInterval + options.Value.JwksMinimumRefreshInterval;
            logger.LogWarning(e, "Could not fetch the JWKS from {JwksUri}; keeping {Count} known keys", uri, _keys.Count);
        }
    }
}
