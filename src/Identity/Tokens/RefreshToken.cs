namespace Bazaar.Identity.Tokens;

/// <summary>One refresh token of a sign-in's family. Only the hash is stored; using it once marks it used.</summary>
public sealed class RefreshToken
{
    public required Guid Id { get; init; }
    public required Guid UserId { get; init; }
    public required Guid FamilyId { get; init; }
    public required byte[] TokenHash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedReason { get; set; }
}
