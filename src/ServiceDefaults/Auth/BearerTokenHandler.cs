using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bazaar.ServiceDefaults.Auth;

public static class BearerTokenDefaults
{
    public const string Scheme = "Bearer";
}

/// <summary>Reads <c>Authorization: Bearer …</c> and hands the token to <see cref="AccessTokenValidator"/>.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokenValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var result = await validator.ValidateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (!result.Succeeded)
        {
            Logger.LogInformation("Bearer token rejected: {Reason}", result.Failure);
            Context.Items[FailureKey] = result.Failure;
            return AuthenticateResult.Fail(result.Failure!);
        }
        return AuthenticateResult.Success(new AuthenticationTicket(result.Principal!, Scheme.Name));
    }

    const string FailureKey = "bazaar.auth.failure";

    /// <summary>Whether the request sent a bearer token that failed validation (set while authenticating it).</summary>
    public static bool TokenRejected(HttpContext context) => context.Items.ContainsKey(FailureKey);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = TokenRejected(Context)
            ? "Bearer error=\"invalid_token\""
            : "Bearer";
        return Task.CompletedTask; // the status-code pages middleware writes the problem details body
    }
}
