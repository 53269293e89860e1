using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Auth;

/// <summary>
/// Validates Bazaar access tokens: compact JWS, algorithm pinned to ES256, key found by <c>kid</c> in identity's JWKS,
/// then issuer, audience, expiry and not-before. Written here because the mirror's JwtBearer stack is years old
/// (docs/decisions/0002-jwt-handling.md). Anything unexpected is a failure, never an exception.
/// <para>
/// A token is presented many times (a service token on every call for minutes, a shopper's on every request), so the
/// outcome of the expensive part — parsing and the ECDSA signature check — is remembered per token for as long as the
/// same key is published. Everything that depends on time or settings (issuer, audience, expiry, not-before) is checked
/// on every use.
/// </para>
/// </summary>
public sealed class AccessTokenValidator(IJsonWebKeySource keys, IOptions<AuthOptions> options, TimeProvider clock) : IDisposable
{
    const int MaxTokenLength = 8 * 1024;

    readonly MemoryCache _verified = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>A token whose signature <see cref="Key"/> verified, with its parsed claims.</summary>
    sealed record Verified(string Kid, ECDsa Key, JsonElement Payload);

    public void Dispose() => _verified.Dispose();

    public async Task<TokenValidationResult> ValidateAsync(string token, CancellationToken ct)
    {
        if (token.Length > MaxTokenLength)
            return TokenValidationResult.Fail("token too long");
        // A remembered token counts only while the same key is published under its id: a key withdrawn from the JWKS
        // (or replaced) ends its tokens here too.
        if (!_verified.TryGetValue(token, out Verified? verified) || !ReferenceEquals(await keys.FindKeyAsync(verified!.Kid, ct), verified.Key))
        {
            var (checkedToken, failure) = await VerifyAsync(token, ct);
            if (checkedToken is null)
                return TokenValidationResult.Fail(failure!);
            verified = checkedToken;
            _verified.Set(token, verified, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
        }
        return Check(verified.Payload);
    }

    /// <summary>The expensive part, done once per token: the JWS's form, its algorithm and its signature.</summary>
    async Task<(Verified? Token, string? Failure)> VerifyAsync(string token, CancellationToken ct)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
            return (null, "not a compact JWS");

        var headerBytes = Base64Url.Decode(parts[0]);
        var payloadBytes = Base64Url.Decode(parts[1]);
        var signature = Base64Url.Decode(parts[2]);
        if (headerBytes is null || payloadBytes is null || signature is null)
            return (null, "not base64url");

        JsonElement header, payload;
        string? alg, kid;
        bool critical;
        try
        {
            header = JsonSerializer.Deserialize<JsonElement>(headerBytes);
            payload = JsonSerializer.Deserialize<JsonElement>(payloadBytes);
            if (header.ValueKind != JsonValueKind.Object || payload.ValueKind != JsonValueKind.Object)
                return (null, "not JSON objects");
            (alg, kid, critical) = (GetString(header, "alg"), GetString(header, "kid"), header.TryGetProperty("crit", out _));
        }
        // The reader accepts escapes that are not text (an unpaired surrogate such as \ud800) and throws only when a
        // string is read: anyone can send such a header, so it is refused like any other garbage.
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, "not JSON");
        }

        // The algorithm is pinned: 'none', HS256 (even keyed with our public key) and anything else are refused.
        if (alg != JwtAlgorithms.ES256)
            return (null, "algorithm not allowed");
        if (critical)
            return (null, "unsupported critical header");
        if (string.IsNullOrEmpty(kid))
            return (null, "no key id");
        var key = await keys.FindKeyAsync(kid, ct);
        if (key is null)
            return (null, "unknown signing key");

        var signedBytes = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (signature.Length != 64 || !key.VerifyData(signedBytes, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            return (null, "bad signature");
        return (new Verified(kid, key, payload), null);
    }

    /// <summary>What depends on settings and time, checked on every use.</summary>
    TokenValidationResult Check(JsonElement payload)
    {
        var settings = options.Value;
        if (GetString(payload, "iss") != settings.Issuer)
            return TokenValidationResult.Fail("wrong issuer");
        if (!HasAudience(payload, settings.Audience))
            return TokenValidationResult.Fail("wrong audience");

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)settings.ClockSkew.TotalSeconds;
        if (GetNumber(payload, "exp") is not { } exp)
            return TokenValidationResult.Fail("no expiry");
        if (now - skew >= exp)
            return TokenValidationResult.Fail("expired");
        if (GetNumber(payload, "nbf") is { } nbf && now + skew < nbf)
            return TokenValidationResult.Fail("not yet valid");
        var subject = GetString(payload, "sub");
        if (string.IsNullOrEmpty(subject))
            return TokenValidationResult.Fail("no subject");

        return TokenValidationResult.Success(ToPrincipal(payload, subject));
    }

    static ClaimsPrincipal ToPrincipal(JsonElement payload, string subject)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, subject), new("sub", subject) };
        if (GetString(payload, "email") is { } email)
            claims.Add(new Claim(ClaimTypes.Email, email));
        if (GetString(payload, "jti") is { } jti)
            claims.Add(new Claim("jti", jti));
        if (GetNumber(payload, "acct_created") is { } accountCreated)
            claims.Add(new Claim("acct_created", accountCreated.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (GetString(payload, "client_id") is { } clientId)
            claims.Add(new Claim("client_id", clientId));
        if (payload.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array)
            claims.AddRange(roles.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => new Claim(ClaimTypes.Role, r.GetString()!)));
        if (GetString(payload, "scope") is { } scope)
            claims.AddRange(scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(Policies.ScopeClaim, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, BearerTokenDefaults.Scheme, ClaimTypes.NameIdentifier, ClaimTypes.Role));
    }

    static bool HasAudience(JsonElement payload, string audience) =>
        payload.TryGetProperty("aud", out var aud) && aud.ValueKind switch
        {
            JsonValueKind.String => aud.GetString() == audience,
            JsonValueKind.Array => aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == audience),
            _ => false,
        };

    static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    static long? GetNumber(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;
}

public sealed record TokenValidationResult(ClaimsPrincipal? Principal, string? Failure)
{
    public bool Succeeded => Principal is not null;
    public static TokenValidationResult Success(ClaimsPrincipal principal) => new(principal, null);
    public static TokenValidationResult Fail(string reason) => new(null, reason);
}
