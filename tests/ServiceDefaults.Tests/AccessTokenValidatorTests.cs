using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.Testing;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Tests;

public sealed class AccessTokenValidatorTests
{
    const string Kid = "key-1";
    readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    readonly FakeTimeProvider _clock = new();
    readonly AccessTokenValidator _validator;

    public AccessTokenValidatorTests() =>
        _validator = new AccessTokenValidator(new StaticKeys(Kid, _key), Options.Create(new AuthOptions { Issuer = "https://shop", Audience = "bazaar" }), _clock);

    Dictionary<string, object> Claims(Action<Dictionary<string, object>>? change = null)
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = "user-1", ["email"] = "a@b.co", ["roles"] = new[] { "customer", "admin" },
            ["iss"] = "https://shop", ["aud"] = "bazaar", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 900, ["jti"] = "j1",
        };
        change?.Invoke(claims);
        return claims;
    }

    static string Encode(object value) => Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(value));

    string Sign(Dictionary<string, object> claims, string alg = "ES256", string kid = Kid, ECDsa? key = null)
    {
        var input = Encode(new Dictionary<string, object> { ["alg"] = alg, ["typ"] = "JWT", ["kid"] = kid }) + "." + Encode(claims);
        var signature = (key ?? _key).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url.Encode(signature);
    }

    [Fact]
    public async Task A_valid_token_gives_the_subject_email_and_roles()
    {
        var result = await _validator.ValidateAsync(Sign(Claims()), default);
        result.Succeeded.ShouldBeTrue(result.Failure);
        result.Principal!.FindFirstValue(ClaimTypes.NameIdentifier).ShouldBe("user-1");
        result.Principal!.FindFirstValue(ClaimTypes.Email).ShouldBe("a@b.co");
        result.Principal!.IsInRole("admin").ShouldBeTrue();
        result.Principal!.IsInRole("support").ShouldBeFalse();
    }

    [Fact]
    public async Task An_audience_array_containing_ours_is_accepted()
    {
        var result = await _validator.ValidateAsync(Sign(Claims(c => c["aud"] = new[] { "other", "bazaar" })), default);
        result.Succeeded.ShouldBeTrue(result.Failure);
    }

    [Fact]
    public async Task Service_scopes_become_claims()
    {
        var result = await _validator.ValidateAsync(Sign(Claims(c => { c.Remove("roles"); c["scope"] = "internal other"; })), default);
        result.Principal!.FindAll(Policies.ScopeClaim).Select(c => c.Value).ShouldBe(["internal", "other"]);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("not yet valid")]
    [InlineData("wrong issuer")]
    [InlineData("wrong audience")]
    [InlineData("no expiry")]
    [InlineData("no subject")]
    public async Task Claims_that_do_not_fit_are_refused(string failure)
    {
        var token = Sign(Claims(c =>
        {
            var now = _clock.GetUtcNow().ToUnixTimeSeconds();
            switch (failure)
            {
                case "expired": c["exp"] = now - 60; break;
                case "not yet valid": c["nbf"] = now + 600; break;
                case "wrong issuer": c["iss"] = "https://evil"; break;
                case "wrong audience": c["aud"] = "someone-else"; break;
                case "no expiry": c.Remove("exp"); break;
                case "no subject": c.Remove("sub"); break;
            }
        }));
        var result = await _validator.ValidateAsync(token, default);
        result.Failure.ShouldBe(failure);
    }

    [Fact]
    public async Task Clock_skew_is_tolerated_but_not_more()
    {
        var token = Sign(Claims());
        _clock.Advance(TimeSpan.FromSeconds(900 + 20));
        (await _validator.ValidateAsync(token, default)).Succeeded.ShouldBeTrue();
        _clock.Advance(TimeSpan.FromSeconds(20));
        (await _validator.ValidateAsync(token, default)).Failure.ShouldBe("expired");
    }

    [Fact]
    public async Task A_signature_by_another_key_is_refused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        (await _validator.ValidateAsync(Sign(Claims(), key: other), default)).Failure.ShouldBe("bad signature");
    }

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var token = Encode(new { alg = "none", typ = "JWT", kid = Kid }) + "." + Encode(Claims()) + ".";
        (await _validator.ValidateAsync(token, default)).Failure.ShouldBe("algorithm not allowed");
    }

    [Fact]
    public async Task Hs256_keyed_with_the_public_key_is_refused()
    {
        var jwk = JsonSerializer.SerializeToUtf8Bytes(JsonWebKey.FromPublicKey(Kid, _key));
        var input = Encode(new { alg = "HS256", typ = "JWT", kid = Kid }) + "." + Encode(Claims());
        var token = input + "." + Base64Url.Encode(HMACSHA256.HashData(jwk, Encoding.ASCII.GetBytes(input)));
        (await _validator.ValidateAsync(token, default)).Failure.ShouldBe("algorithm not allowed");
    }

    [Fact]
    public async Task An_unknown_key_id_is_refused()
    {
        (await _validator.ValidateAsync(Sign(Claims(), kid: "unknown"), default)).Failure.ShouldBe("unknown signing key");
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b")]
    [InlineData("!!!.###.$$$")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln")]
    [InlineData("W10.W10.W10")]
    [InlineData("eyJhbGciOiJcdWQ4MDAifQ.e30.AA")] // {"alg":"\ud800"}: an escape that is not text
    [InlineData("eyJcdWQ4MDAiOjEsImFsZyI6IkVTMjU2Iiwia2lkIjoiayJ9.e30.AA")] // such a property name
    [InlineData("eyJhbGciOiJFUzI1NiIsImtpZCI6Ilx1ZGZmZiJ9.e30.AA")] // such a key id
    [InlineData("eyJhbGciOiL_Iiwia2lkIjoiayJ9.e30.AA")] // a string that is not UTF-8
    public async Task Garbage_is_refused_without_throwing(string token)
    {
        (await _validator.ValidateAsync(token, default)).Succeeded.ShouldBeFalse();
    }

    [Fact]
    public async Task A_tampered_payload_is_refused()
    {
        var parts = Sign(Claims()).Split('.');
        var forged = parts[0] + "." + Encode(Claims(c => c["roles"] = new[] { "admin" })) + "." + parts[2];
        (await _validator.ValidateAsync(forged, default)).Failure.ShouldBe("bad signature");
    }

    [Fact]
    public async Task A_token_seen_before_still_expires()
    {
        var token = Sign(Claims());
        (await _validator.ValidateAsync(token, default)).Succeeded.ShouldBeTrue();
        _clock.Advance(TimeSpan.FromMinutes(20));
        (await _validator.ValidateAsync(token, default)).Failure.ShouldBe("expired");
    }

    [Fact]
    public async Task A_token_seen_before_stops_working_when_its_key_is_withdrawn_or_replaced()
    {
        var keys = new SwitchableKeys { [Kid] = _key };
        var validator = new AccessTokenValidator(keys, Options.Create(new AuthOptions { Issuer = "https://shop", Audience = "bazaar" }), _clock);
        var token = Sign(Claims());
        (await validator.ValidateAsync(token, default)).Succeeded.ShouldBeTrue();
        (await validator.ValidateAsync(token, default)).Succeeded.ShouldBeTrue();

        keys.Remove(Kid);
        (await validator.ValidateAsync(token, default)).Failure.ShouldBe("unknown signing key");

        keys[Kid] = ECDsa.Create(ECCurve.NamedCurves.nistP256); // another key under the same id
        (await validator.ValidateAsync(token, default)).Failure.ShouldBe("bad signature");

        keys[Kid] = _key;
        (await validator.ValidateAsync(token, default)).Succeeded.ShouldBeTrue();
    }

    sealed class SwitchableKeys : Dictionary<string, ECDsa>, IJsonWebKeySource
    {
        public ValueTask<ECDsa?> FindKeyAsync(string keyId, CancellationToken ct) => ValueTask.FromResult(TryGetValue(keyId, out var key) ? key : null);
    }

    sealed class StaticKeys(string kid, ECDsa key) : IJsonWebKeySource
    {
        public ValueTask<ECDsa?> FindKeyAsync(string keyId, CancellationToken ct) => ValueTask.FromResult(keyId == kid ? key : null);
    }
}
