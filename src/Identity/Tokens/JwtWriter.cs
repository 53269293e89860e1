using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bazaar.ServiceDefaults.Auth;

namespace Bazaar.Identity.Tokens;

/// <summary>Writes a compact JWS signed with ES256 (IEEE P1363 signature, as RFC 7518 §3.4 requires).</summary>
public static class JwtWriter
{
    public static string Write(string kid, ECDsa key, IReadOnlyDictionary<string, object> claims)
    {
        var header = new Dictionary<string, object> { ["alg"] = JwtAlgorithms.ES256, ["typ"] = "JWT", ["kid"] = kid };
        var signingInput = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + Base64Url.Encode(signature);
    }
}
