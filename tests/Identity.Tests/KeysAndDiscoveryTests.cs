using System.Net;
using System.Text.Json;
using Bazaar.Identity.Keys;
using Bazaar.ServiceDefaults.Auth;
using Bazaar.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Bazaar.Identity.Tests;

/// <summary>Its own factory: these tests rotate keys and move the clock far ahead.</summary>
public sealed class KeyRotationFactory : IdentityFactory;

public sealed class KeysAndDiscoveryTests(KeyRotationFactory factory) : IClassFixture<KeyRotationFactory>
{
    readonly HttpClient _client = factory.CreateClient();

    async Task<string[]> PublishedKidsAsync()
    {
        factory.Clock.Advance(TimeSpan.FromMinutes(2)); // past the in-memory key cache
        var jwks = JsonDocument.Parse(await _client.GetStringAsync("/.well-known/jwks.json")).RootElement;
        return [.. jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()!)];
    }

    static string KidOf(string token) => JsonSerializer.Deserialize<Dictionary<string, string>>(Base64Url.Decode(token.Split('.')[0]))!["kid"];

    [Fact]
    public async Task The_discovery_document_points_at_the_jwks()
    {
        var doc = JsonDocument.Parse(await _client.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        doc.GetProperty("issuer").GetString().ShouldBe("http://bazaar.test");
        doc.GetProperty("jwks_uri").GetString().ShouldBe("http://bazaar.test/.well-known/jwks.json");
        doc.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(a => a.GetString()).ShouldBe(["ES256"]);
    }

    [Fact]
    public async Task Rotation_publishes_the_new_key_first_and_keeps_the_old_one_until_its_tokens_expire()
    {
        var ring = factory.Services.GetRequiredService<SigningKeyRing>();
        var (email, password) = await factory.RegisterAsync(_client);
        var before = await factory.LoginAsync(_client, email, password);
        var oldKid = KidOf(before.AccessToken);

        (await ring.RotateIfDueAsync(default, force: true)).ShouldBeTrue();
        var kids = await PublishedKidsAsync();
        kids.Length.ShouldBe(2);
        kids.ShouldContain(oldKid);

        // Published but not yet signing: tokens still use the old key during the publish delay.
        KidOf((await factory.LoginAsync(_client, email, password)).AccessToken).ShouldBe(oldKid);

        factory.Clock.Advance(TimeSpan.FromMinutes(10));
        var after = await factory.LoginAsync(_client, email, password);
        var newKid = KidOf(after.AccessToken);
        newKid.ShouldNotBe(oldKid);
        kids.ShouldContain(newKid);

        // A token signed by the old key just before it retired is still accepted.
        var validator = factory.Services.GetRequiredService<AccessTokenValidator>();
        factory.Clock.Advance(TimeSpan.FromMinutes(-3));
        var lastOld = await factory.LoginAsync(_client, email, password);
        KidOf(lastOld.AccessToken).ShouldBe(oldKid);
        factory.Clock.Advance(TimeSpan.FromMinutes(3));
        (await validator.ValidateAsync(lastOld.AccessToken, default)).Succeeded.ShouldBeTrue();

        // Once every token of the old key has expired, the key leaves the JWKS.
        factory.Clock.Advance(TimeSpan.FromMinutes(16));
        (await PublishedKidsAsync()).ShouldBe([newKid]);
    }

    [Fact]
    public async Task The_signing_key_survives_a_restart()
    {
        var kids = await PublishedKidsAsync();
        using var restarted = factory.WithWebHostBuilder(_ => { });
        var jwks = JsonDocument.Parse(await restarted.CreateClient().GetStringAsync("/.well-known/jwks.json")).RootElement;
        jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ShouldBe(kids);
    }

    [Fact]
    public async Task The_jwks_is_public_and_cacheable()
    {
        var response = await _client.GetAsync("/.well-known/jwks.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.CacheControl!.Public.ShouldBeTrue();
    }
}
