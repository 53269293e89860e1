using System.Security.Claims;

namespace Bazaar.ServiceDefaults.Auth;

/// <summary>Who is calling, as <see cref="AccessTokenValidator"/> put it in the principal (the token's subject).</summary>
public static class CallerClaims
{
    /// <summary>The signed-in user's id, for endpoints whose policy requires a user (a missing id is a bug, not input).</summary>
    public static Guid UserId(this ClaimsPrincipal user) =>
        user.TryGetUserId() ?? throw new InvalidOperationException("The caller's token names no user id.");

    /// <summary>The user's id, or null for an anonymous caller or a service token.</summary>
    public static Guid? TryGetUserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>Who did it, for audit columns and timelines: the subject, whatever kind of caller.</summary>
    public static string ActorId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
}
