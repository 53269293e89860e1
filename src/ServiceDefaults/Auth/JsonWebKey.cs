using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace Bazaar.ServiceDefaults.Auth;

/// <summary>An EC P-256 public key as published in a JWKS document (RFC 7517, RFC 7518 §6.2).</summary>
public sealed record JsonWebKey(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Alg)
{
    public static JsonWebKey FromPublicKey(string kid, ECDsa key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new JsonWebKey("EC", "P-256", Base64Url.Encode(p.Q.X!), Base64Url.Encode(p.Q.Y!), kid, "sig", JwtAlgorithms.ES256);
    }

    /// <returns>The key, or null when it is not an ES256 signing key on P-256.</returns>
    public ECDsa? ToPublicKey()
    {
        if (Kty != "EC" || Crv != "P-256" || (Use is not null && Use != "sig") || (Alg is not null && Alg != JwtAlgorithms.ES256))
            return null;
        var x = Base64Url.Decode(X);
        var y = Base64Url.Decode(Y);
        if (x is not { Length: 32 } || y is not { Length: 32 })
            return null;
        try
        {
            return ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        }
        catch (CryptographicException)
        {
            return null; // not a point on the curve
        }
    }
}

public sealed record JsonWebKeySet([property: JsonPropertyName("keys")] IReadOnlyList<JsonWebKey> Keys);

public static class JwtAlgorithms
{
    public const string ES256 = "ES256";
}

public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <returns>The bytes, or null when the text is not base64url.</returns>
    public static byte[]? Decode(string? text)
    {
        if (text is null)
            return null;
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
