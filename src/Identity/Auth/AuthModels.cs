using System.ComponentModel.DataAnnotations;
using Bazaar.Identity.Users;

namespace Bazaar.Identity.Auth;

public sealed record RegisterRequest(
    [Required, MaxLength(EmailAddress.MaxLength)] string Email,
    [Required, MaxLength(Passwords.PasswordPolicy.MaxLength)] string Password,
    [Required, MinLength(1), MaxLength(100)] string DisplayName);

public sealed record LoginRequest(
    [Required, MaxLength(EmailAddress.MaxLength)] string Email,
    [Required, MaxLength(Passwords.PasswordPolicy.MaxLength)] string Password,
    bool RefreshTokenInBody = false);

public sealed record RefreshRequest([MaxLength(200)] string? RefreshToken);

/// <summary>What sign-in and refresh answer. The refresh token is in the body only when the client asked for it;
/// browsers get it in an httpOnly cookie instead.</summary>
public sealed record AuthResponse(string AccessToken, string TokenType, int ExpiresIn, DateTimeOffset ExpiresAt, UserDto User, string? RefreshToken);

/// <summary>OAuth 2 client-credentials answer (RFC 6749 §5.1).</summary>
public sealed record ServiceTokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn,
    [property: System.Text.Json.Serialization.JsonPropertyName("scope")] string Scope);
