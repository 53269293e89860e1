using System.Security.Cryptography;
using System.Text;
using Bazaar.ServiceDefaults.Auth;

namespace Bazaar.Identity.Tokens;

/// <summary>Random opaque tokens (refresh, password reset): 256 bits, base64url; stored as SHA-256.</summary>
public static class OpaqueToken
{
    public static string Create() => Base64Url.Encode(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
