using System.Security.Cryptography;
using Bazaar.ServiceDefaults;
using Bazaar.ServiceDefaults.Auth;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Identity.Keys;

/// <summary>
/// The signing keys, loaded from the database and kept in memory for a minute so every replica sees a rotation soon.
/// Signs with the newest active key; publishes every key whose tokens may still be valid.
/// Serves as identity's own <see cref="IJsonWebKeySource"/>, so it validates its tokens without calling itself.
/// </summary>
public sealed class SigningKeyRing(
    IServiceScopeFactory scopes,
    KeyEncryption encryption,
    IOptions<IdentityServiceOptions> options,
    IOptions<AuthOptions> auth,
    TimeProvider clock,
    ILogger<SigningKeyRing> logger) : IJsonWebKeySource
{
    static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    const long RotationLockKey = 0x6b65_7973; // "keys"

    readonly SemaphoreSlim _gate = new(1, 1);
    IReadOnlyList<LoadedKey> _keys = [];
    DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public sealed record LoadedKey(string Kid, ECDsa Key, DateTimeOffset ActivatesAt, DateTimeOffset? RetiredAt);

    public async Task<LoadedKey> GetSigningKeyAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var active = Active(await GetKeysAsync(ct), now);
        if (active is not null)
            return active;
        await RotateIfDueAsync(ct); // first start: there is no key yet
        return Active(await GetKeysAsync(ct, reload: true), clock.GetUtcNow()) ?? throw new InvalidOperationException("No signing key could be created.");
    }

    public async ValueTask<ECDsa?> FindKeyAsync(string keyId, CancellationToken ct)
    {
        var key = (await GetPublishedKeysAsync(ct)).FirstOrDefault(k => k.Kid == keyId);
        return key?.Key;
    }

    /// <summary>Keys a token may still be signed with: not retired, or retired less than a token lifetime (plus skew) ago.</summary>
    public async Task<IReadOnlyList<LoadedKey>> GetPublishedKeysAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.AccessTokenLifetime - auth.Value.ClockSkew;
        return [.. (await GetKeysAsync(ct)).Where(k => k.RetiredAt is null || k.RetiredAt > cutoff)];
    }

    /// <summary>
    /// Makes a new key when there is none, or when the active one is older than the rotation interval and no newer key
    /// is waiting. The new key signs after the publish delay (immediately if it is the first); the old one retires then.
    /// Runs under an advisory lock so replicas never rotate twice.
    /// </summary>
    public async Task<bool> RotateIfDueAsync(CancellationToken ct, bool force = false)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"select pg_advisory_xact_lock({RotationLockKey})", ct);

        var now = clock.GetUtcNow();
        var current = await db.SigningKeys.Where(k => k.RetiredAt == null).OrderByDescending(k => k.ActivatesAt).ToListAsync(ct);
        var newest = current.FirstOrDefault();
        var due = newest is null
                  || force
                  || (newest.ActivatesAt <= now && now - newest.ActivatesAt >= options.Value.KeyRotationInterval);
        if (!due)
            return false;

        var activatesAt = newest is null ? now : now + options.Value.KeyPublishDelay;
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = Guid.CreateVersion7(now).ToString("N");
        db.SigningKeys.Add(new SigningKeyRecord
        {
            Kid = kid,
            EncryptedPrivateKey = encryption.Encrypt(kid, ecdsa.ExportPkcs8PrivateKey()),
            CreatedAt = now,
            ActivatesAt = activatesAt,
        });
        foreach (var older in current)
            older.RetiredAt = activatesAt;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Created signing key {Kid}, signing from {ActivatesAt}", kid, activatesAt);
        _loadedAt = DateTimeOffset.MinValue;
        return true;
    }

    static LoadedKey? Active(IReadOnlyList<LoadedKey> keys, DateTimeOffset now) =>
        keys.Where(k => k.ActivatesAt <= now && (k.RetiredAt is null || k.RetiredAt > now)).MaxBy(k => k.ActivatesAt);

    async Task<IReadOnlyList<LoadedKey>> GetKeysAsync(CancellationToken ct, bool reload = false)
    {
        if (!reload && clock.GetUtcNow() - _loadedAt < CacheFor)
            return _keys;
        await _gate.WaitAsync(ct);
        try
        {
            if (!reload && clock.GetUtcNow() - _loadedAt < CacheFor)
                return _keys;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityDb>();
            var records = await db.SigningKeys.AsNoTracking().ToListAsync(ct);
            // A key's material never changes: only new keys are decrypted; known ones keep their instance (which
            // tokens being signed right now may hold) and take the current retirement date.
            var known = _keys.ToDictionary(k => k.Kid, StringComparer.Ordinal);
            _keys = [.. records.Select(r =>
            {
                if (known.TryGetValue(r.Kid, out var loaded))
                    return loaded with { ActivatesAt = r.ActivatesAt, RetiredAt = r.RetiredAt };
                var key = ECDsa.Create();
                key.ImportPkcs8PrivateKey(encryption.Decrypt(r.Kid, r.EncryptedPrivateKey), out _);
                return new LoadedKey(r.Kid, key, r.ActivatesAt, r.RetiredAt);
            })];
            _loadedAt = clock.GetUtcNow();
            return _keys;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Checks hourly (and at start-up) whether the signing key is due for rotation.</summary>
public sealed class KeyRotationService(SigningKeyRing keys, TimeProvider clock, ILogger<KeyRotationService> logger) : PeriodicWork(clock, logger)
{
    protected override TimeSpan Interval => TimeSpan.FromHours(1);

    protected override string Name => "Signing key rotation check";

    protected override bool RunAtStart => true;

    protected override Task RunOnceAsync(CancellationToken ct) => keys.RotateIfDueAsync(ct);
}
