using System.Threading.Channels;
using Bazaar.Identity.Tokens;
using Bazaar.Identity.Users;
using Bazaar.ServiceDefaults.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bazaar.Identity.Passwords;

/// <summary>
/// Makes reset links after "forgot password" is answered, not before: looking the account up and writing its link and
/// e-mail would make the answer for an address with an account measurably slower than for one without, and tell whoever
/// asks which addresses have accounts. The endpoint only counts the request against its limits and queues it here.
/// The queue is in memory: a request a crash loses sends no e-mail, and the customer asks again, as for a lost e-mail.
/// At shutdown the queue is worked off first (within the host's shutdown timeout).
/// </summary>
public sealed class ResetLinkQueue(IServiceScopeFactory scopes, ILogger<ResetLinkQueue> logger) : BackgroundService
{
    /// <summary>Far above what the per-address and per-e-mail limits let through between two sweeps of the queue.</summary>
    const int Capacity = 1000;

    static readonly TimeSpan[] RetryAfter = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    readonly Channel<string> _requests = Channel.CreateBounded<string>(new BoundedChannelOptions(Capacity) { SingleReader = true });

    /// <returns>False when the queue is full or shutting down: the caller answers "try again".</returns>
    public bool TryEnqueue(string normalizedEmail) => _requests.Writer.TryWrite(normalizedEmail);

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _requests.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not stopped by the stopping token: what was answered is still sent when the host stops (the writer is completed
        // first, and the host stops waiting at its shutdown timeout).
        await foreach (var normalizedEmail in _requests.Reader.ReadAllAsync(CancellationToken.None))
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await SendLinkAsync(scope.ServiceProvider, normalizedEmail, CancellationToken.None);
                    break;
                }
                catch (Exception e) when (attempt < RetryAfter.Length)
                {
                    logger.LogWarning(e, "Could not make a password reset link; trying again");
                    await Task.Delay(RetryAfter[attempt], CancellationToken.None);
                }
                catch (Exception e)
                {
                    logger.LogError(e, "Could not make a password reset link; the request is dropped (the customer can ask again)");
                    break;
                }
            }
    }

    /// <summary>A link and its e-mail for the account of this address, if it has one that is not locked by an admin.</summary>
    static async Task SendLinkAsync(IServiceProvider services, string normalizedEmail, CancellationToken ct)
    {
        var db = services.GetRequiredService<IdentityDb>();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail, ct);
        if (user is not { LockedByAdmin: false })
            return;
        var settings = services.GetRequiredService<IOptions<IdentityServiceOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var token = OpaqueToken.Create();
        db.PasswordResetTokens.Add(new PasswordResetToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.Id,
            TokenHash = OpaqueToken.Hash(token),
            CreatedAt = now,
            ExpiresAt = now + settings.PasswordResetLifetime,
        });
        var baseUrl = services.GetRequiredService<IOptions<EmailOptions>>().Value.PublicBaseUrl.TrimEnd('/');
        var link = $"{baseUrl}/reset-password?token={Uri.EscapeDataString(token)}";
        db.Outbox.Add(OutboxEmail.Create(user.Email, "Reset your Bazaar password", $"""
            Hello {user.DisplayName},

            Someone (hopefully you) asked to reset the password of your Bazaar account.
            Open this link to choose a new password. It works once, for {(int)settings.PasswordResetLifetime.TotalMinutes} minutes:

            {link}

            If you did not ask for this, ignore this e-mail; your password stays as it is.
            """, now, sensitive: true)); // the link is a bearer secret: the outbox keeps it only until it is sent
        await db.SaveChangesAsync(ct); // the token and its e-mail commit together
        services.GetRequiredService<IdentityMetrics>().PasswordReset("requested");
    }
}
