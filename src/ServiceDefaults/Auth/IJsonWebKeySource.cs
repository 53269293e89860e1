using System.Security.Cryptography;

namespace Bazaar.ServiceDefaults.Auth;

/// <summary>Finds the public key that signed a token, by its <c>kid</c>.</summary>
public interface IJsonWebKeySource
{
    /// <returns>The P-256 public key, or null when no such key is published.</returns>
    ValueTask<ECDsa?> FindKeyAsync(string keyId, CancellationToken ct);
}
