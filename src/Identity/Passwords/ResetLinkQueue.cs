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
/// A request still queued after <see cref="MaxWait"/> (the database was away) is dropped for the same reason: its link
/// would arrive long after the customer gave up on it. A failed attempt is tried twice more; one whose commit went through
/// unseen then sends a second link, which is harmless (either works, and using one ends the other).
/// </summary>
public sealed class ResetLinkQueue(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ResetLinkQueue> logger) : BackgroundService
{
    /// <summary>Far above what the per-address and per-e-mail limits let through while one request is worked on.</summary>
    const int Capacity = 1000;

    static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);
    static readonly TimeSpan[] RetryAfter = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    readonly Channel<(string Email, DateTimeOffset At)> _requests =
        Channel.CreateBounded<(string, DateTimeOffset)>(new BoundedChannelOptions(Capacity) { SingleReader = true });

    /// <summary>Cancelled when the host stops waiting for the queue to be worked off (its shutdown timeout).</summary>
    readonly CancellationTokenSource _giveUp = new();

    int _pending;

    /// <summary>Requests queued or being worked on.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <returns>False when the queue is full or shutting down: the caller answers "try again".</returns>
    public bool TryEnqueue(string normalizedEmail)
    {
        Interlocked.Increment(ref _pending);
        if (_requests.Writer.TryWrite((normalizedEmail, clock.GetUtcNow())))
            return true;
        Interlocked.Decrement(ref _pending);
        return false;
    }

    /// <summary>
    /// What was answered is still sent at shutdown: the queue is closed and worked off until the host gives up (the base
    /// returns when the work is done or the host's token fires; whatever is left is then abandoned).
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _requests.Writer.TryComplete();
        try
        {
            await base.StopAsync(cancellationToken);
        }
        finally
        {
            _giveUp.Cancel();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ct = _giveUp.Token;
        try
        {
            await foreach (var (email, at) in _requests.Reader.ReadAllAsync(ct))
            {
                try
                {
                    if (clock.GetUtcNow() - at <= MaxWait)
                        await SendWithRetriesAsync(email, ct);
                    else
                        logger.LogWarning("A password reset request waited more than {Minutes} minutes and is dropped (the customer can ask again)", MaxWait.TotalMinutes);
                }
                finally
                {
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
        catch (Exception) when (ct.IsCancellationRequested) // abandoned at shutdown, whatever the work in hand threw
        {
            logger.LogWarning("Stopped before {Count} password reset requests were worked off (the customers can ask again)", Pending);
        }
    }

    async Task SendWithRetriesAsync(string normalizedEmail, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await SendLinkAsync(scope.ServiceProvider, normalizedEmail, ct);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && attempt < RetryAfter.Length)
            {
                logger.LogWarning(e, "Could not make a password reset link; trying again");
                await Task.Delay(RetryAfter[attempt], ct); // real time: the database's recovery does not follow a test's clock
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogError(e, "Could not make a password reset link; the request is dropped (the customer can ask again)");
                return;
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
