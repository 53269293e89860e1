using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bazaar.Identity.Keys;

/// <summary>AES-256-GCM for signing keys at rest: nonce ‖ tag ‖ ciphertext, with the key id as associated data.</summary>
public sealed class KeyEncryption(IOptions<IdentityServiceOptions> options)
{
    const int NonceSize = 12, TagSize = 16;

    // Read and checked once, on first use (a missing key fails the first sign-in loudly rather than at every call).
    readonly Lazy<byte[]> _key = new(() =>
    {
        var configured = options.Value.KeyEncryptionKey;
        if (string.IsNullOrWhiteSpace(configured))
            throw new InvalidOperationException("Identity:KeyEncryptionKey is not configured (base64 of 32 random bytes, from the secret store).");
        var key = Convert.FromBase64String(configured);
        return key.Length == 32 ? key : throw new InvalidOperationException("Identity:KeyEncryptionKey must be 32 bytes.");
    });

    byte[] Key => _key.Value;

    public byte[] Encrypt(string kid, byte[] plaintext)
    {
        var output = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(kid));
        return output;
    }

    public byte[] Decrypt(string kid, byte[] stored)
    {
        var plaintext = new byte[stored.Length - NonceSize - TagSize];
        using var aes = new AesGcm(Key, TagSize);
        try
        {
            aes.Decrypt(stored.AsSpan(0, NonceSize), stored.AsSpan(NonceSize + TagSize), stored.AsSpan(NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(kid));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new InvalidOperationException($"Signing key {kid} cannot be decrypted: Identity:KeyEncryptionKey is not the key it was stored with.");
        }
        return plaintext;
    }
}
