using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bazaar.ServiceDefaults.Auth;

namespace Bazaar.Testing;

/// <summary>A signing key of the test's own, published through <see cref="IJsonWebKeySource"/>, to mint tokens for services under test.</summary>
public sealed class TestTokens(string issuer = "http://bazaar.test", string audience = "bazaar") : IJsonWebKeySource
{
    public const string Kid = "test-key";
    public ECDsa Key { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public ValueTask<ECDsa?> FindKeyAsync(string keyId, CancellationToken ct) => ValueTask.FromResult(keyId == Kid ? Key : null);

    public string ForUser(Guid id, params string[] roles) => ForUserWithEmail(id, $"{id:N}@example.com", roles);

    public string ForUserWithEmail(Guid id, string email, params string[] roles) =>
        Sign(Claims(id.ToString(), new Dictionary<string, object> { ["roles"] = roles, ["email"] = email, ["acct_created"] = DateTimeOffset.UtcNow.AddDays(-400).ToUnixTimeSeconds() }));

    public string ForService(string clientId) => Sign(Claims(clientId, new Dictionary<string, object> { ["scope"] = "internal", ["client_id"] = clientId }));

    Dictionary<string, object> Claims(string subject, Dictionary<string, object> extra)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        extra["sub"] = subject;
        extra["iss"] = issuer;
        extra["aud"] = audience;
        extra["iat"] = now;
        // Real time here, a fake clock in the service that checks it: long enough for tests that move a service's clock
        // days ahead (a reservation expiring, a review hold), as the real token source would have renewed it by then.
        extra["exp"] = now + (long)TimeSpan.FromDays(30).TotalSeconds;
        return extra;
    }

    public string Sign(IReadOnlyDictionary<string, object> claims, string alg = "ES256", string kid = Kid)
    {
        var input = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg, typ = "JWT", kid })) + "." + Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = Key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url.Encode(signature);
    }
}
