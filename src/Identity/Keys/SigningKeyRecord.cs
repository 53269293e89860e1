namespace Bazaar.Identity.Keys;

/// <summary>A stored ES256 key pair. It signs from <see cref="ActivatesAt"/> until <see cref="RetiredAt"/>,
/// and stays published in the JWKS until the last token it signed has expired.</summary>
public sealed class SigningKeyRecord
{
    public required string Kid { get; init; }
    public required byte[] EncryptedPrivateKey { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ActivatesAt { get; init; }
    public DateTimeOffset? RetiredAt { get; set; }
}
