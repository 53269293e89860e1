namespace Bazaar.Identity.Passwords;

/// <summary>A single-use password reset; only the hash of the e-mailed token is kept.</summary>
public sealed class PasswordResetToken
{
    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public required byte[] TokenHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
}
